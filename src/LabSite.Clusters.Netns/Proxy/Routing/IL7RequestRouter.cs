using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Proxy.Routing;

/// <summary>
/// A routing stage for a listener that is a load balancer rather than a policy point (Cilium's ingress and Gateway API
/// listeners): per request it chooses the upstream, or answers itself. A listener with a router
/// (<see cref="L7ProxyOptions.Router"/>) skips the HTTP policy lookup; everything else (parsing, forwarding, flows)
/// is the proxy's own. Called on connection tasks: must be fast, must not block and must not throw.
/// </summary>
public interface IL7RequestRouter
{
    L7Route Route(L7Exchange connection, HttpRequestHead request);
}

/// <summary>
/// Where one request goes: <see cref="Upstream"/> with its identity, or (when null) a local reply with
/// <see cref="LocalStatus"/> and <see cref="LocalBody"/>. <see cref="Reason"/> names the route taken, for logs.
/// </summary>
public sealed record L7Route(IPEndPoint? Upstream, NumericIdentity UpstreamIdentity, int LocalStatus, string LocalBody, string Reason)
{
    public static L7Route To(IPEndPoint upstream, NumericIdentity identity, string reason) => new(upstream, identity, 0, "", reason);

    public static L7Route Reply(int status, string body, string reason) => new(null, NumericIdentity.Unknown, status, body, reason);
}
