using System.Net;
using System.Runtime.InteropServices;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Flows;

namespace LabSite.Clusters.Netns.Tests.Flows;

public class FlowDecoderTests
{
    private sealed class FakeLookup : IEndpointLookup
    {
        public string NodeName => "lab/node";

        public EndpointView? ByAddress(IPAddress address) => address.ToString() switch
        {
            "10.1.0.3" => new EndpointView(2, "default", "xwing", ["k8s:class=xwing"], []),
            "10.1.0.4" => new EndpointView(3, "default", "deathstar-1", ["k8s:class=deathstar"], []),
            _ => null,
        };

        public IReadOnlyList<string> LabelsOf(uint identity) => identity == 2 ? ["reserved:world"] : [];

        public IReadOnlyList<Contract.Flows.Policy> PoliciesFor(ushort endpointId, bool egress, uint remoteIdentity, byte protocol, ushort port) =>
            [new Contract.Flows.Policy("rule1", "default", [], 1, "CiliumNetworkPolicy")];
    }

    private static readonly MonotonicClock s_clock = new(1_692_619_938_000_000_000);
    private readonly FlowDecoder _decoder = new(new FakeLookup(), s_clock);

    private static EventPacketAbi Syn(string src, string dst, ushort dport) => new()
    {
        SaddrNetworkOrder = NetworkOrder.FromAddress(IPAddress.Parse(src)),
        DaddrNetworkOrder = NetworkOrder.FromAddress(IPAddress.Parse(dst)),
        SportNetworkOrder = NetworkOrder.FromPort(44916),
        DportNetworkOrder = NetworkOrder.FromPort(dport),
        Protocol = 6,
        TcpFlags = 0x02,
        SourceIdentity = 257,
        DestinationIdentity = 258,
    };

    private static EventHeaderAbi Header(byte type, byte subtype, byte flags = 0) => new()
    {
        Type = type,
        Subtype = subtype,
        Version = EventCodes.Version,
        Flags = flags,
        EndpointId = 3,
        IfIndex = 7,
        KtimeNs = 510_175_415,
    };

    private static byte[] Bytes<T>(T value)
        where T : struct => MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref value, 1)).ToArray();

    [Fact]
    public void Drop_becomes_a_policy_denied_flow_with_pods_and_direction()
    {
        var ev = new DropEventAbi { Header = Header(EventCodes.Drop, 133), Packet = Syn("10.1.0.3", "10.1.0.4", 80), Direction = 0 };
        var f = _decoder.Decode(Bytes(ev));
        Assert.Equal(Verdict.DROPPED, f.Verdict);
        Assert.Equal(DropReason.POLICY_DENIED, f.DropReasonDesc);
        Assert.Equal(133u, f.DropReason);
        Assert.Equal(TrafficDirection.INGRESS, f.TrafficDirection);
        Assert.Null(f.IsReply);
        Assert.Empty(f.IngressDeniedBy);
        Assert.Equal("2023-08-21T12:12:18.510175415Z", JsonText(f.Time));
        Assert.Equal(
            "Aug 21 12:12:18.510: default/xwing:44916 (ID:257) <> default/deathstar-1:80 (ID:258) Policy denied DROPPED (TCP Flags: SYN)\n",
            FlowPrinter.Compact(new FlowRecord(f, f.NodeName, f.Time)));
    }

    [Fact]
    public void Deny_drop_names_the_denying_policy()
    {
        var ev = new DropEventAbi { Header = Header(EventCodes.Drop, 181), Packet = Syn("10.1.0.3", "10.1.0.4", 80), Direction = 0 };
        var f = _decoder.Decode(Bytes(ev));
        Assert.Equal(DropReason.POLICY_DENY, f.DropReasonDesc);
        Assert.Equal("rule1", Assert.Single(f.IngressDeniedBy).Name);
    }

    [Fact]
    public void Trace_reply_flips_direction_and_marks_is_reply()
    {
        var ev = new TraceEventAbi
        {
            Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, EventCodes.FlagIsReplyKnown | EventCodes.FlagIsReply),
            Packet = Syn("10.1.0.4", "10.1.0.3", 44916),
            Reason = 3,
        };
        var f = _decoder.Decode(Bytes(ev));
        Assert.Equal(Verdict.FORWARDED, f.Verdict);
        Assert.True(f.IsReply);
        Assert.Equal(TraceReason.REPLY, f.TraceReason);
        Assert.Equal(TraceObservationPoint.FROM_ENDPOINT, f.TraceObservationPoint);
        Assert.Equal(TrafficDirection.INGRESS, f.TrafficDirection);
        Assert.Contains("default/xwing:44916 (ID:258) <- default/deathstar-1:44916 (ID:257) from-endpoint FORWARDED", FlowPrinter.Compact(new FlowRecord(f, "", f.Time)));
    }

    [Fact]
    public void To_endpoint_trace_uses_the_proto_enum_value_101()
    {
        var ev = new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceToLxc, EventCodes.FlagIsReplyKnown), Packet = Syn("10.1.0.3", "10.1.0.4", 80), Reason = 1 };
        var f = _decoder.Decode(Bytes(ev));
        Assert.Equal(TraceObservationPoint.TO_ENDPOINT, f.TraceObservationPoint);
        Assert.Equal(new CiliumEventType(4, 0), f.EventType);
        Assert.Contains("\"trace_observation_point\":\"TO_ENDPOINT\"", FlowJson.WriteFlow(f));
    }

    [Fact]
    public void Policy_verdict_allowed_carries_match_type_and_policy()
    {
        var ev = new PolicyVerdictEventAbi { Header = Header(EventCodes.PolicyVerdict, 0), Packet = Syn("10.1.0.3", "10.1.0.4", 80), Direction = 0, MatchType = 2, Allowed = 1 };
        var f = _decoder.Decode(Bytes(ev));
        Assert.Equal(Verdict.FORWARDED, f.Verdict);
        Assert.Equal(2u, f.PolicyMatchType);
        Assert.Equal("rule1", Assert.Single(f.IngressAllowedBy).Name);
        Assert.Contains("policy-verdict:L3-L4 INGRESS ALLOWED", FlowPrinter.Compact(new FlowRecord(f, "", f.Time)));
    }

    [Fact]
    public void Unknown_peers_get_labels_from_their_identity()
    {
        var pkt = Syn("10.1.0.3", "1.1.1.1", 443);
        pkt.DestinationIdentity = 2;
        var f = _decoder.Decode(Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 1), Packet = pkt }));
        Assert.Equal(["reserved:world"], f.Destination!.Labels);
        Assert.Contains("1.1.1.1:443 (world)", FlowPrinter.Compact(new FlowRecord(f, "", f.Time)));
    }

    [Fact]
    public void Every_tcp_flag_set_gets_the_summary_and_flags_hubble_prints()
    {
        for (var b = 0; b < 256; b++)
        {
            var pkt = Syn("10.1.0.3", "10.1.0.4", 80);
            pkt.TcpFlags = (byte)b;
            var f = _decoder.Decode(Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 1), Packet = pkt }));
            var flags = f.L4!.TCP!.Flags!;
            Assert.Equal(((b & 0x01) != 0, (b & 0x02) != 0, (b & 0x10) != 0, (b & 0x80) != 0), (flags.FIN, flags.SYN, flags.ACK, flags.CWR));
            Assert.Equal(FlowText.Summary(new Layer4 { TCP = new TCP(1, 2, flags) }), f.Summary);
        }
    }

    [Fact]
    public void Repeated_addresses_decode_to_the_same_text_and_pod()
    {
        var first = _decoder.Decode(Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceFromLxc, 1), Packet = Syn("10.1.0.3", "10.1.0.4", 80) }));
        var second = _decoder.Decode(Bytes(new TraceEventAbi { Header = Header(EventCodes.Trace, EventCodes.TraceToLxc, 1), Packet = Syn("10.1.0.4", "10.1.0.3", 80) }));
        Assert.Equal((first.IP!.Source, first.IP.Destination), (second.IP!.Destination, second.IP.Source));
        Assert.Equal(("xwing", "deathstar-1"), (second.Destination!.PodName, second.Source!.PodName));
    }

    [Theory]
    [InlineData(10, "event needs at least 24 bytes of header, got 10")]
    [InlineData(30, "drop v1 needs 56 bytes, got 30")]
    public void Short_records_fail_with_sizes(int length, string expected)
    {
        var bytes = Bytes(new DropEventAbi { Header = Header(EventCodes.Drop, 133) })[..length];
        Assert.Equal(expected, Assert.Throws<FlowDecodeException>(() => _decoder.Decode(bytes)).Message);
    }

    [Fact]
    public void Unknown_type_and_version_are_rejected()
    {
        var h = Header(9, 0);
        Assert.Equal("unknown event type 9", Assert.Throws<FlowDecodeException>(() => _decoder.Decode(Bytes(new DropEventAbi { Header = h }))).Message);
        h = Header(EventCodes.Drop, 0);
        h.Version = 2;
        Assert.Contains("version 2 is not supported", Assert.Throws<FlowDecodeException>(() => _decoder.Decode(Bytes(new DropEventAbi { Header = h }))).Message);
    }

    // {"time":"...Z"} → the RFC 3339 text protojson writes.
    private static string JsonText(Timestamp t) => FlowJson.WriteFlow(new Flow { Time = t })[9..^2];
}
