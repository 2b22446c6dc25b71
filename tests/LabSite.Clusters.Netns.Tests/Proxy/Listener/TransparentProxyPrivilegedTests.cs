using System.Diagnostics;
using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Proxy.Listener;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.TestNetwork;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

/// <summary>
/// The proxy in transparent mode, as root, in namespaces made for the test: a tc program on the node's client-side
/// veth assigns connections for port 80 to the proxy's IP_TRANSPARENT listener (bpf_sk_assign, as Cilium does for
/// Envoy); curl in the client namespace talks to the server's address and never knows the proxy is there.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class TransparentProxyPrivilegedTests : IAsyncLifetime
{
    private const ushort ProxyPort = 15001;
    private readonly TestNetwork _net = new();
    private readonly CollectingFlowSink _sink = new();
    private readonly L7PolicyTable _policies = new();
    private readonly List<string> _log = [];
    private NetworkNamespaceThread _node = null!;
    private NetworkNamespaceThread _server = null!;
    private NamespacedDeathstar _deathstar = null!;
    private L7Proxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _node = new NetworkNamespaceThread(PathOf(_net.Node));
        _server = new NetworkNamespaceThread(PathOf(_net.Server));
        _deathstar = new NamespacedDeathstar(_server, IPAddress.Parse(ServerIp));

        var obj = Path.Combine(Path.GetTempPath(), $"l7_redirect_{Guid.NewGuid():N}.o");
        Run("clang", "-O2", "-g", "-target", "bpf", $"-DPROXY_PORT={ProxyPort}", "-I/usr/include/x86_64-linux-gnu", "-Wall", "-Werror",
            "-c", Path.Combine(AppContext.BaseDirectory, "bpf", "tests", "l7_redirect_test.c"), "-o", obj);
        Run("ip", "netns", "exec", _net.Node, "tc", "qdisc", "add", "dev", "nc", "clsact");
        Run("ip", "netns", "exec", _net.Node, "tc", "filter", "add", "dev", "nc", "ingress", "bpf", "da", "obj", obj, "sec", "tc");
        File.Delete(obj);
        Ip("-n", _net.Node, "rule", "add", "fwmark", "0x200", "lookup", "100");
        Ip("-n", _net.Node, "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "100");

        var options = new L7ProxyOptions
        {
            IdentityOf = ip => ip.ToString() switch
            {
                ClientIp => new NumericIdentity(31028),
                ServerIp => new NumericIdentity(16530),
                _ => NumericIdentity.World,
            },
            Log = line => { lock (_log) { _log.Add(line); } },
        };
        _proxy = L7Proxy.StartInNamespace(_node, ProxyPort, options, _policies, _sink);
        _policies.Set(
            new L7PolicyKey(IPAddress.Parse(ServerIp), TrafficDirection.INGRESS, 80),
            new L7PortPolicy([new L7RuleSet([HttpRule.Create(method: "POST", path: "/v1/request-landing")], new HashSet<NumericIdentity> { new(31028) })]));
        await Task.CompletedTask;
    }

    private async Task<string> CurlFromClient(string method, string path)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", _net.Client, "curl", "-s", "--max-time", "10", $"-X{method}", "-H", "Host: deathstar.default.svc.cluster.local", $"http://{ServerIp}{path}" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    [Fact]
    public async Task ProxySeesTheOriginalDestinationAndEnforcesTheStarWarsRule()
    {
        Assert.Equal("Ship landed\n", await CurlFromClient("POST", "/v1/request-landing"));
        Assert.Equal("Access denied\r\n", await CurlFromClient("PUT", "/v1/exhaust-port"));

        var flows = await _sink.WaitForAsync(4);
        Assert.True(flows.Count == 4, $"flows: {flows.Count}; proxy log: {string.Join(" | ", _log)}");
        var request = flows[0];
        Assert.Equal(ClientIp, request.IP!.Source);
        Assert.Equal(ServerIp, request.IP.Destination); // the accepted socket's local address is the original destination
        Assert.Equal(80u, request.L4!.TCP!.DestinationPort);
        Assert.Equal(31028u, request.Source!.Identity);
        Assert.Equal(16530u, request.Destination!.Identity);
        Assert.Equal(Verdict.DROPPED, flows[2].Verdict);

        // Only the allowed request reached the server, from the node: the proxy's own (marked) connection.
        Assert.Equal([NodeServerSideIp], _deathstar.Peers);
    }

    [Fact]
    public async Task UpstreamConnectionCarriesTheProxyMark()
    {
        _policies.Set(
            new L7PolicyKey(IPAddress.Parse(ServerIp), TrafficDirection.INGRESS, 80),
            new L7PortPolicy([new L7RuleSet([HttpRule.Any], new HashSet<NumericIdentity>())]));
        var held = CurlFromClient("GET", "/hold");

        // While the server holds its answer, the proxy's upstream socket is established in the node namespace;
        // ss (not our code) reports its SO_MARK.
        var sockets = "";
        for (var i = 0; i < 200 && !sockets.Contains(ServerIp, StringComparison.Ordinal); i++)
        {
            await Task.Delay(25);
            sockets = Run("ip", "netns", "exec", _net.Node, "ss", "-tne", "state", "established", "dst", $"{ServerIp}:80");
        }

        _deathstar.Hold.SetResult();
        Assert.Contains("fwmark:0xa00", sockets);
        Assert.Equal("Ship landed\n", await held);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _deathstar.DisposeAsync();
        _node.Dispose();
        _server.Dispose();
        _net.Dispose();
    }
}
