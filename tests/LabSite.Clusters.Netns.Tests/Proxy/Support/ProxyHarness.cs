using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>
/// A proxy on a plain loopback listener whose "original destination" is fixed to one upstream, with the Star Wars
/// cast on loopback addresses: clients bind 127.0.0.2 (tiefighter) or 127.0.0.3 (xwing); the upstream on
/// 127.0.0.1 is the deathstar. Real sockets, real HTTP; only the redirect itself is left out (see the privileged test).
/// </summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    public static readonly IPAddress Tiefighter = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress Xwing = IPAddress.Parse("127.0.0.3");
    public static readonly NumericIdentity TiefighterId = new(31028);
    public static readonly NumericIdentity XwingId = new(22654);
    public static readonly NumericIdentity DeathstarId = new(16530);
    public const string DeathstarHost = "deathstar.default.svc.cluster.local";

    private ProxyHarness(L7Proxy proxy, IPEndPoint upstream, L7PolicyTable policies, CollectingFlowSink sink, List<string> log) =>
        (Proxy, Upstream, Policies, Sink, Log) = (proxy, upstream, policies, sink, log);

    public L7Proxy Proxy { get; }

    public IPEndPoint Upstream { get; }

    public L7PolicyTable Policies { get; }

    public CollectingFlowSink Sink { get; }

    /// <summary>The proxy's diagnostics lines (lock it to read while connections run).</summary>
    public List<string> Log { get; }

    public static NumericIdentity IdentityOf(IPAddress ip) =>
        ip.Equals(Tiefighter) ? TiefighterId : ip.Equals(Xwing) ? XwingId : ip.Equals(IPAddress.Loopback) ? DeathstarId : NumericIdentity.World;

    /// <summary>Starts a proxy for <paramref name="upstream"/>; <paramref name="tune"/> may change options (short timeouts).</summary>
    public static ProxyHarness Start(IPEndPoint upstream, Func<L7ProxyOptions, L7ProxyOptions>? tune = null, L7PolicyTable? policies = null)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        var log = new List<string>();
        var options = new L7ProxyOptions
        {
            ProxyPort = (ushort)((IPEndPoint)listener.LocalEndPoint!).Port,
            IdentityOf = IdentityOf,
            OriginalDestination = _ => upstream,
            NodeName = "labsite/node",
            Log = line => { lock (log) { log.Add(line); } },
        };
        options = tune?.Invoke(options) ?? options;
        var table = policies ?? new L7PolicyTable();
        var sink = new CollectingFlowSink();
        var proxy = new L7Proxy(listener, options, table, sink);
        proxy.Start();
        return new ProxyHarness(proxy, upstream, table, sink, log);
    }

    public L7PolicyKey Key => new(Upstream.Address, TrafficDirection.INGRESS, (ushort)Upstream.Port);

    /// <summary>Installs one rule set for any peer (or only <paramref name="peers"/>).</summary>
    public void Allow(IReadOnlyList<HttpRule> rules, params NumericIdentity[] peers) =>
        Policies.Set(Key, new L7PortPolicy([new L7RuleSet(rules, peers.ToHashSet())]));

    /// <summary>The Star Wars L7 policy: POST /v1/request-landing from org=empire (tiefighter and deathstar).</summary>
    public void AllowStarWarsLanding() => Allow([HttpRule.Create(method: "POST", path: "/v1/request-landing")], TiefighterId, DeathstarId);

    /// <summary>An HttpClient that connects from <paramref name="from"/> to the proxy and sends Host: deathstar….</summary>
    public HttpClient Client(IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                s.Bind(new IPEndPoint(from ?? Tiefighter, 0));
                await s.ConnectAsync(Proxy.LocalEndPoint, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://{DeathstarHost}/"), Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>Sends raw bytes from <paramref name="from"/>, half-closes, and returns everything the proxy sent until it closed.</summary>
    public async Task<string> RawAsync(string request, IPAddress? from = null, bool halfClose = true)
    {
        using var s = await ConnectAsync(from);
        await s.SendAsync(Encoding.Latin1.GetBytes(request));
        if (halfClose)
        {
            s.Shutdown(SocketShutdown.Send);
        }

        return await ReadToEndAsync(s);
    }

    public async Task<Socket> ConnectAsync(IPAddress? from = null)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Bind(new IPEndPoint(from ?? Tiefighter, 0));
        await s.ConnectAsync(Proxy.LocalEndPoint);
        return s;
    }

    /// <summary>Reads until the peer closes (20 s safety cap so a bug fails the test instead of hanging it).</summary>
    public static async Task<string> ReadToEndAsync(Socket s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var sb = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                return sb.ToString();
            }

            sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
    }

    /// <summary>Runs the real curl through the proxy: <c>--connect-to</c> keeps the Host the demo uses.</summary>
    public async Task<(int ExitCode, string Stdout)> CurlAsync(IPAddress from, params string[] args)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-s", "--max-time", "20", "--interface", from.ToString(), "--connect-to", $"{DeathstarHost}:80:{Proxy.LocalEndPoint}" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, stdout);
    }

    public async ValueTask DisposeAsync() => await Proxy.DisposeAsync();
}
