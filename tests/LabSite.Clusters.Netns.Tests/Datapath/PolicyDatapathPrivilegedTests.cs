using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// bpf_lxc.bpf.o on real veths between test namespaces: the compiler's entries enforce policy on real TCP
/// connections, bpftool reads the same policy map, and ring-buffer events come back as Hubble flows.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PolicyDatapathPrivilegedTests : IDisposable
{
    private static readonly TimeSpan s_blocked = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan s_open = TimeSpan.FromSeconds(10);

    private readonly VethTopology _net = new();
    private readonly string _pins = $"/sys/fs/bpf/labsite-test-dp-{Guid.NewGuid():N}"[..42];
    private readonly PolicyEngine _engine = new(new IdentityAllocator());
    private readonly PolicyDatapath _dp;
    private readonly FlowRing _flows = new();
    private readonly LabEndpointLookup _lookup;
    private readonly FlowPump _pump;

    private VethTopology.Pod Client => _net.Pods[0];

    private VethTopology.Pod Server => _net.Pods[1];

    public PolicyDatapathPrivilegedTests()
    {
        _dp = new PolicyDatapath(_pins);
        _lookup = new LabEndpointLookup("test-node", _engine);
        _pump = new FlowPump(_dp.EventsPinPath, new FlowDecoder(_lookup, new MonotonicClock()), _flows);
        NetnsThread.RunAsync(VethTopology.NetnsPath(_net.Node), () =>
        {
            foreach (var p in _net.Pods)
            {
                _dp.Attach(p.IfIndex);
            }
        }).GetAwaiter().GetResult();
        _dp.UpsertIpcache(IPNetwork.Parse("0.0.0.0/0"), NumericIdentity.World.Value);
        _dp.UpsertIpcache(IPNetwork.Parse(VethTopology.Gateway + "/32"), NumericIdentity.Host.Value);
    }

    private void Program(IReadOnlyList<EndpointPolicy> changed)
    {
        foreach (var p in changed)
        {
            var pod = _net.Pods[p.Endpoint.Value - 1];
            _dp.UpsertEndpoint(p.Endpoint.Value, pod.Address, pod.IfIndex, p.Identity.Value, p.IngressEnforced, p.EgressEnforced);
            _dp.SetPolicy(p.Endpoint.Value, p.Entries);
        }
    }

    private void AddPod(int index, string name, params (string K, string V)[] labels)
    {
        var pod = _net.Pods[index];
        var id = new EndpointId((ushort)(index + 1));
        var set = IdentityLabels.ForPod("default", labels.ToDictionary(l => l.K, l => l.V));
        _lookup.Register(pod.Address, new EndpointView(id.Value, "default", name, set.Labels.Select(l => l.ToString()).ToList(), []));
        Program(_engine.Upsert(new EndpointInfo(id, "default", name, set, [], pod.Address)));
    }

    private void Apply(string yaml) => Program(_engine.Upsert(PolicyParser.Parse(YamlObjects.One(yaml))));

    private const string Rule1 = """
        kind: CiliumNetworkPolicy
        metadata: {name: rule1}
        spec:
          endpointSelector: {matchLabels: {org: empire, class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;

    private async Task<IReadOnlyList<FlowRecord>> FlowsAsync(Func<Flow, bool> until)
    {
        // Events arrive asynchronously through the ring buffer: wait (bounded) for the one we expect.
        for (var i = 0; i < 50; i++)
        {
            var all = _flows.History(last: null);
            if (all.Any(r => until(r.Flow)))
            {
                return all;
            }
            await Task.Delay(100);
        }
        return _flows.History(last: null);
    }

    [Fact]
    public async Task Star_wars_rule1_drops_xwing_and_lets_tiefighter_land()
    {
        AddPod(0, "xwing", ("org", "alliance"), ("class", "xwing"));
        AddPod(1, "deathstar", ("org", "empire"), ("class", "deathstar"));
        using var listener = await _net.ListenAsync(Server, 80);

        Assert.True(await _net.ConnectAsync(Client, Server.Address, 80, s_open), "no policy: xwing lands");

        Apply(Rule1);
        Assert.False(await _net.ConnectAsync(Client, Server.Address, 80, s_blocked), "rule1: xwing must time out");

        // The new connection's SYN. (Under load, the first connection's late FIN/ACK can cross rule1 and be dropped
        // too: policy applies to every packet that is not a reply, as in Cilium.)
        bool XwingSynDrop(Flow f) => f.EventType?.Type == MonitorEventType.Drop && f.Source?.PodName == "xwing" && f.L4?.TCP?.Flags is { SYN: true, ACK: false };
        var flows = await FlowsAsync(XwingSynDrop);
        var drop = flows.Select(r => r.Flow).First(XwingSynDrop);
        Assert.Equal(DropReason.POLICY_DENIED, drop.DropReasonDesc);
        Assert.Equal("deathstar", drop.Destination!.PodName);
        Assert.Equal(80u, drop.L4!.TCP!.DestinationPort);
        Assert.Contains("Policy denied DROPPED (TCP Flags: SYN)", FlowPrinter.Compact(new FlowRecord(drop, "test-node", drop.Time)));
        var verdict = flows.Select(r => r.Flow).First(f => f.EventType?.Type == MonitorEventType.PolicyVerdict && f.Verdict == Verdict.DROPPED);
        Assert.Equal(LabSite.Clusters.Contract.Flows.TrafficDirection.INGRESS, verdict.TrafficDirection);
        Assert.Contains("policy-verdict:none INGRESS DENIED", FlowPrinter.Compact(new FlowRecord(verdict, "", verdict.Time)));

        // The xwing defects: relabelled into the empire it gets a new identity and lands.
        AddPod(0, "xwing", ("org", "empire"), ("class", "xwing"));
        Assert.True(await _net.ConnectAsync(Client, Server.Address, 80, s_open), "empire ship lands under rule1");
        flows = await FlowsAsync(f => f.EventType?.Type == MonitorEventType.PolicyVerdict && f.Verdict == Verdict.FORWARDED);
        var allowed = flows.Select(r => r.Flow).First(f => f.EventType?.Type == MonitorEventType.PolicyVerdict && f.Verdict == Verdict.FORWARDED);
        Assert.Equal(PolicyMatchType.L3L4, allowed.PolicyMatchType);
        Assert.Equal("rule1", Assert.Single(allowed.IngressAllowedBy).Name);
        Assert.Contains(flows, r => r.Flow.EventType?.Type == MonitorEventType.Trace && r.Flow.IsReply == true);
    }

    [Fact]
    public async Task Bpftool_sees_the_compiled_policy_map()
    {
        AddPod(0, "tiefighter", ("org", "empire"), ("class", "tiefighter"));
        AddPod(1, "deathstar", ("org", "empire"), ("class", "deathstar"));
        Apply(Rule1);
        var compiled = _engine.PolicyOf(new EndpointId(2))!;
        var pin = Path.Combine(_pins, PolicyDatapath.PolicyMapName(2));
        var dump = JsonNode.Parse(VethTopology.Bpftool("map", "dump", "pinned", pin, "-j"))!.AsArray();
        Assert.Equal(compiled.Entries.Count, dump.Count);
        // tiefighter -> deathstar:80/TCP: prefix 64, identity LE bytes, ingress, proto 6, port 0x0050; value prefix 24 << 3.
        var tie = _engine.IdentityOf(new EndpointId(1))!.Value.Value;
        var want = new byte[] { 64, 0, 0, 0, (byte)tie, (byte)(tie >> 8), 0, 0, 0, 6, 0, 80 };
        Assert.Contains(dump, e => Bytes(e!["key"]!).SequenceEqual(want) && Bytes(e["value"]!)[2] == 24 << 3);
        Assert.Equal("ls_pol_00002", (string)JsonNode.Parse(VethTopology.Bpftool("map", "show", "pinned", pin, "-j"))!["name"]!);
        // Our dump reads the same entries back in Cilium's shape.
        var ours = _dp.DumpPolicy(2)!;
        Assert.Contains(ours.Entries, e => e.Identity == tie && e.Port == 80 && e.PortPrefixLength == 24 && !e.Egress);
        Assert.Contains("80/TCP", ours.ToText());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Deny_wins_with_reason_181_and_names_the_policy()
    {
        AddPod(0, "tiefighter", ("org", "empire"), ("class", "tiefighter"));
        AddPod(1, "deathstar", ("org", "empire"), ("class", "deathstar"));
        using var listener = await _net.ListenAsync(Server, 80);
        Apply(Rule1);
        Assert.True(await _net.ConnectAsync(Client, Server.Address, 80, s_open));
        Apply("""
            kind: CiliumNetworkPolicy
            metadata: {name: no-tie}
            spec:
              endpointSelector: {matchLabels: {class: deathstar}}
              ingressDeny:
              - fromEndpoints: [{matchLabels: {class: tiefighter}}]
            """);
        Assert.False(await _net.ConnectAsync(Client, Server.Address, 80, s_blocked));
        var flows = await FlowsAsync(f => f.DropReasonDesc == DropReason.POLICY_DENY && f.EventType?.Type == MonitorEventType.PolicyVerdict);
        var v = flows.Select(r => r.Flow).First(f => f.DropReasonDesc == DropReason.POLICY_DENY && f.EventType?.Type == MonitorEventType.PolicyVerdict);
        Assert.Equal("no-tie", Assert.Single(v.IngressDeniedBy).Name);
        Assert.Contains(flows, r => r.Flow.EventType?.Type == MonitorEventType.Drop && r.Flow.DropReason == 181);
    }

    private const string Ranges = """
        kind: CiliumNetworkPolicy
        metadata: {name: ranges}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts: [{ports: [{port: "8080", endPort: 8095, protocol: TCP}]}]
          ingressDeny:
          - fromEndpoints: [{matchLabels: {class: tiefighter}}]
            toPorts: [{ports: [{port: "9000", protocol: TCP}]}]
        """;

    [Fact]
    public async Task Counters_land_on_the_entry_that_decided_port_ranges_and_denies_included()
    {
        AddPod(0, "tiefighter", ("org", "empire"), ("class", "tiefighter"));
        AddPod(1, "deathstar", ("org", "empire"), ("class", "deathstar"));
        using var listener = await _net.ListenAsync(Server, 8085);
        Apply(Ranges);
        var tie = _engine.IdentityOf(new EndpointId(1))!.Value.Value;
        PolicyMapEntryDump Entry(Func<PolicyMapEntryDump, bool> match) => Assert.Single(_dp.DumpPolicy(2)!.Entries, e => !e.Egress && e.Identity == tie && match(e));

        Assert.True(await _net.ConnectAsync(Client, Server.Address, 8085, s_open));
        Assert.False(await _net.ConnectAsync(Client, Server.Address, 9000, s_blocked));

        // 8080-8095 is one entry (prefix 20) whatever port in it was hit; the client's SYN and ACKs went through it.
        var range = Entry(e => e.Port == 8080 && e.PortPrefixLength == 20);
        Assert.True(range.Packets >= 2 && range.Bytes >= range.Packets * 40, $"range entry: {range.Packets} packets, {range.Bytes} bytes");
        var deny = Entry(e => e.Deny && e.Port == 9000);
        Assert.True(deny.Packets >= 1, $"deny entry: {deny.Packets} packets");

        // An entry that goes away and comes back starts from zero, as a new entry does.
        Apply(Ranges.Replace("""toPorts: [{ports: [{port: "8080", endPort: 8095, protocol: TCP}]}]""", """toPorts: [{ports: [{port: "7000", protocol: TCP}]}]""", StringComparison.Ordinal));
        Assert.DoesNotContain(_dp.DumpPolicy(2)!.Entries, e => e.Port == 8080);
        Apply(Ranges);
        Assert.Equal((0ul, 0ul), (Entry(e => e.Port == 8080).Packets, Entry(e => e.Port == 8080).Bytes));
        Assert.True(Entry(e => e.Deny && e.Port == 9000).Packets >= deny.Packets, "the deny entry stayed and kept its count");
    }

    [Fact]
    public async Task Replies_pass_through_conntrack_under_egress_default_deny()
    {
        AddPod(0, "client", ("app", "client"));
        AddPod(1, "server", ("app", "server"));
        using var listener = await _net.ListenAsync(Server, 8080);
        // The server may send nothing on its own (egress: [{}]); replies to allowed connections still flow.
        Apply("""
            kind: CiliumNetworkPolicy
            metadata: {name: quiet-server}
            spec:
              endpointSelector: {matchLabels: {app: server}}
              egress: [{}]
            """);
        Assert.True(await _net.ConnectAsync(Client, Server.Address, 8080, s_open));
        Assert.Contains(_dp.DumpConntrack(), c => c.Direction == "IN" && c.Destination == $"{Server.Address}:8080");
        Assert.Contains(_dp.DumpIpcache(), e => e.Prefix == $"{Server.Address}/32" && e.Identity == _engine.IdentityOf(new EndpointId(2))!.Value.Value);
    }

    private static byte[] Bytes(JsonNode arr) => arr.AsArray().Select(b => Convert.ToByte((string)b!, 16)).ToArray();

    public void Dispose()
    {
        _pump.Dispose();
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
