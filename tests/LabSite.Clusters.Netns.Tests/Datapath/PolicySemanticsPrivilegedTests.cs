using System.Diagnostics;
using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// Compile-level semantics probed with real packets: for each policy the kernel's verdict on real TCP connections
/// and pings equals what <see cref="PolicyLookup"/> decides over the compiled entries (ports, ranges, deny holes,
/// L4-only, ICMP types).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PolicySemanticsPrivilegedTests : IDisposable
{
    private static readonly TimeSpan s_blocked = TimeSpan.FromMilliseconds(1200);

    private readonly VethTopology _net = new();
    private readonly string _pins = $"/sys/fs/bpf/labsite-test-sem-{Guid.NewGuid():N}"[..42];
    private readonly PolicyEngine _engine = new(new IdentityAllocator());
    private readonly PolicyDatapath _dp;

    public PolicySemanticsPrivilegedTests()
    {
        _dp = new PolicyDatapath(_pins);
        NetnsThread.RunAsync(VethTopology.NetnsPath(_net.Node), () =>
        {
            foreach (var p in _net.Pods)
            {
                _dp.Attach(p.IfIndex);
            }
        }).GetAwaiter().GetResult();
        _dp.UpsertIpcache(IPNetwork.Parse("0.0.0.0/0"), NumericIdentity.World.Value);
        _dp.UpsertIpcache(IPNetwork.Parse(VethTopology.Gateway + "/32"), NumericIdentity.Host.Value);
        AddPod(0, "client", ("app", "client"));
        AddPod(1, "server", ("app", "server"));
    }

    private void AddPod(int index, string name, params (string K, string V)[] labels)
    {
        var pod = _net.Pods[index];
        var set = IdentityLabels.ForPod("default", labels.ToDictionary(l => l.K, l => l.V));
        Program(_engine.Upsert(new EndpointInfo(new EndpointId((ushort)(index + 1)), "default", name, set, [], pod.Address)));
    }

    private void Program(IReadOnlyList<EndpointPolicy> changed)
    {
        foreach (var p in changed)
        {
            var pod = _net.Pods[p.Endpoint.Value - 1];
            _dp.SetPolicy(p.Endpoint.Value, p.Entries);
            _dp.UpsertEndpoint(p.Endpoint.Value, pod.Address, pod.IfIndex, p.Identity.Value, p.IngressEnforced, p.EgressEnforced);
        }
    }

    private bool Expected(byte protocol, ushort port)
    {
        var server = _engine.PolicyOf(new EndpointId(2))!;
        var client = _engine.IdentityOf(new EndpointId(1))!.Value.Value;
        var entry = PolicyLookup.Decide(server.Entries, LabSite.Clusters.Netns.Policy.Api.TrafficDirection.Ingress, client, protocol, port);
        return entry is { Verdict.Deny: false };
    }

    public static TheoryData<string, int[]> Cases => new()
    {
        {
            "ingress: [{toPorts: [{ports: [{port: \"8080\", endPort: 8083, protocol: TCP}]}]}]",
            [8080, 8083, 8084]
        },
        {
            "ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]\n  ingressDeny: [{toPorts: [{ports: [{port: \"8081\", protocol: TCP}]}]}]",
            [8080, 8081]
        },
        {
            "ingress: [{fromEndpoints: [{matchLabels: {app: client}}], toPorts: [{ports: [{protocol: TCP}]}]}]\n  ingressDeny: [{fromEndpoints: [{matchLabels: {app: nobody}}]}]",
            [8082]
        },
        {
            "ingress: [{fromEntities: [world], toPorts: [{ports: [{port: \"8080\", protocol: TCP}]}]}]",
            [8080]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Kernel_agrees_with_the_compiled_lookup(string spec, int[] ports)
    {
        Program(_engine.Upsert(PolicyParser.Parse(YamlObjects.One(
            "kind: CiliumNetworkPolicy\nmetadata: {name: probe}\nspec:\n  endpointSelector: {matchLabels: {app: server}}\n  " + spec))));
        var listeners = new List<System.Net.Sockets.Socket>();
        foreach (var port in ports)
        {
            listeners.Add(await _net.ListenAsync(_net.Pods[1], port));
        }
        try
        {
            foreach (var port in ports)
            {
                var expected = Expected(6, (ushort)port);
                var actual = await _net.ConnectAsync(_net.Pods[0], _net.Pods[1].Address, port, expected ? TimeSpan.FromSeconds(10) : s_blocked);
                Assert.True(expected == actual, $"port {port}: compiled lookup says {(expected ? "allow" : "drop")}, kernel {(actual ? "allowed" : "dropped")}");
            }
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void Icmp_echo_allowed_by_type_and_replies_return_through_conntrack()
    {
        Program(_engine.Upsert(PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: ping}
            spec:
              endpointSelector: {matchLabels: {app: server}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: client}}]
                icmps: [{fields: [{type: EchoRequest}]}]
            """))));
        Assert.True(Expected(1, 8));
        Assert.Equal(0, Ping(_net.Pods[0], _net.Pods[1].Address));
        // The other way round nothing is enforced (the client has no policy, the server's egress is open).
        Assert.Equal(0, Ping(_net.Pods[1], _net.Pods[0].Address));
        Program(_engine.Delete("CiliumNetworkPolicy", "default", "ping"));
        Program(_engine.Upsert(PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: no-ping}
            spec:
              endpointSelector: {matchLabels: {app: server}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: client}}]
                icmps: [{fields: [{type: Timestamp}]}]
            """))));
        Assert.False(Expected(1, 8));
        Assert.NotEqual(0, Ping(_net.Pods[0], _net.Pods[1].Address));
    }

    private static int Ping(VethTopology.Pod from, IPAddress to)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "exec", from.Netns, "ping", "-c", "1", "-W", "1", to.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }

    public void Dispose()
    {
        _dp.Dispose();
        _net.Dispose();
        if (Directory.Exists(_pins))
        {
            foreach (var f in Directory.GetFiles(_pins))
            {
                File.Delete(f);
            }
            Directory.Delete(_pins);
        }
    }
}
