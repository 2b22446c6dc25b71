using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Benchmarks.Flows;

/// <summary>
/// Raw ring-buffer records → enriched Hubble flows on one core, with the real decoder and the lab's enrichment
/// (<see cref="LabEndpointLookup"/> over a <see cref="PolicyEngine"/>) for the Star Wars demo under rule1.
/// The records are what the datapath emits for a tiefighter landing and an x-wing being turned away: policy
/// verdicts, connection-start and flag-change traces both ways, and drops. The baseline decodes the same bytes
/// with a lookup that knows no pods (header, packet and verdict fields only), so the ratio is what enrichment costs.
/// One operation = one record; flows/s = 1e9 / mean ns.
/// </summary>
[MemoryDiagnoser]
public class FlowDecodeBenchmarks
{
    private const int Batch = 1024;

    private static readonly IPAddress s_tiefighter = IPAddress.Parse("10.200.0.11");
    private static readonly IPAddress s_xwing = IPAddress.Parse("10.200.0.12");
    private static readonly IPAddress s_deathstar = IPAddress.Parse("10.200.0.13");

    private byte[][] _records = [];
    private FlowDecoder _enriched = null!;
    private FlowDecoder _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        var engine = new PolicyEngine(new IdentityAllocator());
        var lookup = new LabEndpointLookup("labsite/lab1", engine);
        AddPod(engine, lookup, 1, "tiefighter", s_tiefighter, ("org", "empire"), ("class", "tiefighter"));
        AddPod(engine, lookup, 2, "xwing", s_xwing, ("org", "alliance"), ("class", "xwing"));
        AddPod(engine, lookup, 3, "deathstar-6fb5694d48-5hmds", s_deathstar, ("org", "empire"), ("class", "deathstar"));
        AddPod(engine, lookup, 4, "deathstar-6fb5694d48-b7wfs", IPAddress.Parse("10.200.0.14"), ("org", "empire"), ("class", "deathstar"));
        engine.Upsert(PolicyParser.Parse(Rule1()));
        var tie = engine.IdentityOf(new EndpointId(1))!.Value.Value;
        var xw = engine.IdentityOf(new EndpointId(2))!.Value.Value;
        var ds = engine.IdentityOf(new EndpointId(3))!.Value.Value;

        var landing = Packet(s_tiefighter, s_deathstar, 41234, 80, tie, ds);
        var reply = Packet(s_deathstar, s_tiefighter, 80, 41234, ds, tie);
        var attack = Packet(s_xwing, s_deathstar, 52000, 80, xw, ds);
        byte[][] connection =
        [
            Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 1, EventCodes.FlagIsReplyKnown), Packet = With(landing, 0x02), Reason = 1 }),
            Bytes(new PolicyVerdictEventAbi { Header = Header(EventCodes.PolicyVerdict, 0, 3, 0), Packet = With(landing, 0x02), Direction = 0, MatchType = 2, Allowed = 1 }),
            Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceToLxc, 3, EventCodes.FlagIsReplyKnown), Packet = With(landing, 0x02), Reason = 1 }),
            Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 3, EventCodes.FlagIsReplyKnown | EventCodes.FlagIsReply), Packet = With(reply, 0x12), Reason = 3 }),
            Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 1, EventCodes.FlagIsReplyKnown), Packet = With(landing, 0x18), Reason = 2 }),
            Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 1, EventCodes.FlagIsReplyKnown), Packet = With(landing, 0x11), Reason = 2 }),
            Bytes(new PolicyVerdictEventAbi { Header = Header(EventCodes.PolicyVerdict, 0, 3, 0), Packet = With(attack, 0x02), Direction = 0, Allowed = 0, DropReason = 133 }),
            Bytes(new DropEventAbi { Header = Header(EventCodes.Drop, 133, 3, 0), Packet = With(attack, 0x02), Direction = 0 }),
        ];
        _records = Enumerable.Range(0, Batch).Select(i => connection[i % connection.Length]).ToArray();
        _enriched = new FlowDecoder(lookup, new MonotonicClock());
        _bare = new FlowDecoder(new LabEndpointLookup("labsite/lab1", new PolicyEngine(new IdentityAllocator())), new MonotonicClock());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int DecodeOnly()
    {
        var n = 0;
        foreach (var r in _records)
        {
            n += _bare.Decode(r).Summary.Length;
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int DecodeAndEnrich()
    {
        var n = 0;
        foreach (var r in _records)
        {
            n += _enriched.Decode(r).Summary.Length;
        }
        return n;
    }

    private static void AddPod(PolicyEngine engine, LabEndpointLookup lookup, ushort id, string name, IPAddress ip, params (string K, string V)[] labels)
    {
        var set = IdentityLabels.ForPod("default", labels.ToDictionary(l => l.K, l => l.V));
        engine.Upsert(new EndpointInfo(new EndpointId(id), "default", name, set, [], ip));
        lookup.Register(ip, new EndpointView(id, "default", name, set.Labels.Select(l => l.ToString()).ToList(), []));
    }

    private static KubeObject Rule1() => new(new JsonObject
    {
        ["kind"] = "CiliumNetworkPolicy",
        ["metadata"] = new JsonObject { ["name"] = "rule1", ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["endpointSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["org"] = "empire", ["class"] = "deathstar" } },
            ["ingress"] = new JsonArray(new JsonObject
            {
                ["fromEndpoints"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { ["org"] = "empire" } }),
                ["toPorts"] = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = "80", ["protocol"] = "TCP" }) }),
            }),
        },
    });

    private static EventPacketAbi Packet(IPAddress src, IPAddress dst, ushort sport, ushort dport, uint srcId, uint dstId) => new()
    {
        SaddrNetworkOrder = NetworkOrder.FromAddress(src),
        DaddrNetworkOrder = NetworkOrder.FromAddress(dst),
        SportNetworkOrder = NetworkOrder.FromPort(sport),
        DportNetworkOrder = NetworkOrder.FromPort(dport),
        Protocol = 6,
        SourceIdentity = srcId,
        DestinationIdentity = dstId,
    };

    private static EventPacketAbi With(EventPacketAbi p, byte tcpFlags)
    {
        p.TcpFlags = tcpFlags;
        return p;
    }

    private static EventHeaderAbi Header(byte type, byte subtype, ushort endpoint, byte flags) => new()
    {
        Type = type,
        Subtype = subtype,
        Version = EventCodes.Version,
        Flags = flags,
        EndpointId = endpoint,
        IfIndex = 7,
        Length = 56,
        PacketLength = 74,
        KtimeNs = 510_175_415,
    };

    private static byte[] Bytes<T>(T value)
        where T : struct => MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref value, 1)).ToArray();
}
