using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class FlowPrinterTests
{
    // Jan 1 00:20:34.567 (UTC), as in Hubble's printer tests.
    private static readonly Timestamp s_t = new(1234, 567_000_000);

    private static Flow Drop(bool? isReply) => new()
    {
        Time = s_t,
        NodeName = "k8s1",
        Verdict = Verdict.DROPPED,
        IP = new IP { Source = "1.1.1.1", Destination = "2.2.2.2" },
        L4 = new Layer4 { TCP = new TCP(31793, 8080, new TCPFlags(SYN: true)) },
        Source = new Endpoint { Identity = 4 },
        Destination = new Endpoint { Identity = 12345 },
        EventType = new CiliumEventType(MonitorEventType.Drop, 133),
        IsReply = isReply,
        Summary = "TCP Flags: SYN",
    };

    [Fact]
    public void Compact_drop_matches_hubbles_printer()
    {
        Assert.Equal(
            "Jan  1 00:20:34.567: 1.1.1.1:31793 (health) -> 2.2.2.2:8080 (ID:12345) Policy denied DROPPED (TCP Flags: SYN)\n",
            FlowPrinter.Compact(new FlowRecord(Drop(false), "k8s1", s_t)));
    }

    [Fact]
    public void Compact_reply_swaps_sides_and_prints_the_node()
    {
        Assert.Equal(
            "Jan  1 00:20:34.567 [k8s1]: 2.2.2.2:8080 (ID:12345) <- 1.1.1.1:31793 (health) Policy denied DROPPED (TCP Flags: SYN)\n",
            FlowPrinter.Compact(new FlowRecord(Drop(true), "k8s1", s_t), new FlowPrintOptions(NodeName: true)));
    }

    [Fact]
    public void Compact_policy_verdicts_rewrite_the_verdict_and_name_policies()
    {
        var denied = Drop(null);
        denied.EventType = new CiliumEventType(MonitorEventType.PolicyVerdict);
        denied.TrafficDirection = TrafficDirection.EGRESS;
        Assert.Equal(
            "Jan  1 00:20:34.567 [k8s1]: 1.1.1.1:31793 (health) <> 2.2.2.2:8080 (ID:12345) policy-verdict:none EGRESS DENIED (TCP Flags: SYN)\n",
            FlowPrinter.Compact(new FlowRecord(denied, "k8s1", s_t), new FlowPrintOptions(NodeName: true)));

        var allowed = Drop(null);
        allowed.Verdict = Verdict.FORWARDED;
        allowed.EventType = new CiliumEventType(MonitorEventType.PolicyVerdict);
        allowed.TrafficDirection = TrafficDirection.INGRESS;
        allowed.IngressAllowedBy = [new Policy("my-policy", "ns", [], 1, "CiliumNetworkPolicy"), new Policy("my-policy-2", "", [], 1, "CiliumClusterwideNetworkPolicy")];
        Assert.Equal(
            "Jan  1 00:20:34.567 [k8s1]: 1.1.1.1:31793 (health) <> 2.2.2.2:8080 (ID:12345) policy-verdict:none INGRESS ALLOWED BY my-policy (CiliumNetworkPolicy), my-policy-2 (CiliumClusterwideNetworkPolicy) (TCP Flags: SYN)\n",
            FlowPrinter.Compact(new FlowRecord(allowed, "k8s1", s_t), new FlowPrintOptions(NodeName: true, PolicyNames: true)));
    }

    [Fact]
    public void Compact_uses_pod_names_and_l3_l4_match_types()
    {
        var f = new Flow
        {
            Time = s_t,
            Verdict = Verdict.FORWARDED,
            IP = new IP { Source = "10.0.0.112", Destination = "10.0.0.147" },
            L4 = new Layer4 { TCP = new TCP(59824, 80, new TCPFlags(SYN: true)) },
            Source = new Endpoint { Identity = 31028, Namespace = "default", PodName = "tiefighter" },
            Destination = new Endpoint { Identity = 16530, Namespace = "default", PodName = "deathstar-6fb5694d48-5hmds" },
            EventType = new CiliumEventType(MonitorEventType.PolicyVerdict),
            TrafficDirection = TrafficDirection.INGRESS,
            PolicyMatchType = PolicyMatchType.L3L4,
            IsReply = false,
            Summary = FlowText.Summary(new Layer4 { TCP = new TCP(1, 2, new TCPFlags(SYN: true)) }),
        };
        Assert.Equal(
            "Jan  1 00:20:34.567: default/tiefighter:59824 (ID:31028) -> default/deathstar-6fb5694d48-5hmds:80 (ID:16530) policy-verdict:L3-L4 INGRESS ALLOWED (TCP Flags: SYN)\n",
            FlowPrinter.Compact(new FlowRecord(f, "", s_t)));
    }

    [Fact]
    public void Summary_orders_tcp_flags_like_cilium()
    {
        Assert.Equal("TCP Flags: SYN, ACK", FlowText.Summary(new Layer4 { TCP = new TCP(1, 2, new TCPFlags(ACK: true, SYN: true)) }));
        Assert.Equal("TCP Flags: ACK, PSH", FlowText.Summary(new Layer4 { TCP = new TCP(1, 2, new TCPFlags(PSH: true, ACK: true)) }));
        Assert.Equal("ICMPv4 EchoRequest", FlowText.Summary(new Layer4 { ICMPv4 = new ICMP(8, 0) }));
    }

    [Fact]
    public void Table_pads_columns_and_dict_separates_blocks()
    {
        var records = new[] { new FlowRecord(Drop(false), "k8s1", s_t), new FlowRecord(Drop(false), "k8s1", s_t) };
        var table = FlowPrinter.Print(records, new FlowPrintOptions(FlowOutput.Table));
        Assert.Equal(
            "TIMESTAMP             SOURCE          DESTINATION    TYPE            VERDICT   SUMMARY\n"
            + "Jan  1 00:20:34.567   1.1.1.1:31793   2.2.2.2:8080   Policy denied   DROPPED   TCP Flags: SYN\n"
            + "Jan  1 00:20:34.567   1.1.1.1:31793   2.2.2.2:8080   Policy denied   DROPPED   TCP Flags: SYN\n",
            table);
        var dict = FlowPrinter.Print(records, new FlowPrintOptions(FlowOutput.Dict));
        Assert.Equal(
            "  TIMESTAMP: Jan  1 00:20:34.567\n     SOURCE: 1.1.1.1:31793\nDESTINATION: 2.2.2.2:8080\n       TYPE: Policy denied\n    VERDICT: DROPPED\n    SUMMARY: TCP Flags: SYN\n------------\n",
            dict[..(dict.IndexOf("------------", StringComparison.Ordinal) + 13)]);
    }
}
