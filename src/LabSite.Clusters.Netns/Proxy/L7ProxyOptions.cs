using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Http;
using LabSite.Clusters.Netns.Proxy.Listener;

namespace LabSite.Clusters.Netns.Proxy;

/// <summary>Settings and injected collaborators of one proxy listener.</summary>
public sealed record L7ProxyOptions
{
    /// <summary>
    /// Which side of the policy this listener enforces. Ingress: the endpoint is the original destination and the
    /// peer is the client. Egress: the endpoint is the client and the peer is the destination.
    /// </summary>
    public TrafficDirection Direction { get; init; } = TrafficDirection.INGRESS;

    /// <summary>The proxy port the policy map entries name (reported in flows).</summary>
    public ushort ProxyPort { get; init; }

    /// <summary>IP → security identity (the lab's ipcache). Unknown addresses should map to world.</summary>
    public required Func<IPAddress, NumericIdentity> IdentityOf { get; init; }

    /// <summary>
    /// The connection's original destination. Default: the accepted socket's local address, which is right for a
    /// transparent listener. Tests on plain loopback listeners map it to their upstream instead.
    /// </summary>
    public Func<Socket, IPEndPoint> OriginalDestination { get; init; } = s => (IPEndPoint)s.LocalEndPoint!;

    /// <summary>
    /// Creates the unconnected upstream socket of one exchange. Default: in the calling namespace, marked with
    /// <see cref="ProxySockets.UpstreamMarkFor"/>; with netns labs, run <see cref="ProxySockets.CreateUpstream"/> on
    /// the node's <see cref="NetworkNamespaceThread"/>.
    /// </summary>
    public Func<L7Exchange, ValueTask<Socket>> CreateUpstreamSocket { get; init; } =
        x => ValueTask.FromResult(ProxySockets.CreateUpstream(x.Server.AddressFamily, ProxySockets.UpstreamMarkFor(x)));

    /// <summary>
    /// Egress listeners only: the port of this node's ingress listener (0 = none). When the original destination has
    /// ingress HTTP rules on the port, the request would next be redirected to that listener; this listener applies
    /// those rules too, for the client, and reports the INGRESS flows with this port (see docs/formats.md).
    /// </summary>
    public ushort ChainedIngressProxyPort { get; init; }

    /// <summary>
    /// A load-balancing listener's routing stage (ingress/Gateway API): chooses each request's upstream instead of the
    /// HTTP policy lookup, which such a listener does not do. Null for policy listeners.
    /// </summary>
    public Routing.IL7RequestRouter? Router { get; init; }

    /// <summary>Node name put into flows.</summary>
    public string NodeName { get; init; } = "";

    public HttpLimits Limits { get; init; } = HttpLimits.Default;

    /// <summary>How long a kept-alive client connection may sit idle between requests before we close it quietly.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a client may take to send a whole head once it started one (408 after).</summary>
    public TimeSpan RequestHeadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest time one body (request or response) may take to pass through.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan UpstreamConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the upstream may take to start its response (504 after; Envoy's route default is 15 s).</summary>
    public TimeSpan UpstreamResponseTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Open client connections beyond this are closed at once, so one lab cannot exhaust the host.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>
    /// Client connections of this listener served on a thread of their own with blocking sockets (see
    /// <see cref="BlockingSocketStream"/>: one wakeup per read instead of two); the rest, and all of them once the
    /// process-wide <see cref="DedicatedConnectionThreads.ProcessLimit"/> is reached, run on the thread pool. 0 = never.
    /// </summary>
    public int MaxDedicatedThreads { get; init; } = 32;

    /// <summary>Requests served on one client connection before it is closed (bounds every connection loop).</summary>
    public int MaxRequestsPerConnection { get; init; } = 100_000;

    /// <summary>Bodies of denied requests up to this size are read and dropped to keep the connection; larger ones close it.</summary>
    public long MaxDrainBytes { get; init; } = 1024 * 1024;

    /// <summary>Optional diagnostics (one line per connection fault).</summary>
    public Action<string>? Log { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
