using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class FlowJsonTests
{
    // The two lines of shared/reference/cilium/hubble-flows-examples.jsonl (Cilium docs, export.rst, Apache-2.0).
    public const string DocsLine1 = """{"flow":{"time":"2023-08-21T12:12:13.517394084Z","verdict":"DROPPED","IP":{"source":"fe80::64d8:8aff:fe72:fc14","destination":"ff02::2","ipVersion":"IPv6"},"l4":{"ICMPv6":{"type":133}},"source":{},"destination":{},"node_name":"kind-kind/kind-worker","drop_reason_desc":"INVALID_SOURCE_IP"},"node_name":"kind-kind/kind-worker","time":"2023-08-21T12:12:13.517394084Z"}""";
    public const string DocsLine2 = """{"flow":{"time":"2023-08-21T12:12:18.510175415Z","verdict":"DROPPED","IP":{"source":"10.244.1.60","destination":"10.244.1.5","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":44916,"destination_port":80,"flags":{"SYN":true}}},"source":{"namespace":"default","pod_name":"xwing"},"destination":{"namespace":"default","pod_name":"deathstar-7848d6c4d5-th9v2"},"node_name":"kind-kind/kind-worker","drop_reason_desc":"POLICY_DENIED"},"node_name":"kind-kind/kind-worker","time":"2023-08-21T12:12:18.510175415Z"}""";

    [Fact]
    public void A_built_flow_prints_byte_for_byte_like_hubble_jsonpb()
    {
        var time = FlowJsonReader.ParseTimestamp("2023-08-21T12:12:18.510175415Z", "t");
        var flow = new Flow
        {
            Time = time,
            Verdict = Verdict.DROPPED,
            IP = new IP { Source = "10.244.1.60", Destination = "10.244.1.5", IpVersion = IPVersion.IPv4 },
            L4 = new Layer4 { TCP = new TCP(44916, 80, new TCPFlags(SYN: true)) },
            Source = new Endpoint { Namespace = "default", PodName = "xwing" },
            Destination = new Endpoint { Namespace = "default", PodName = "deathstar-7848d6c4d5-th9v2" },
            NodeName = "kind-kind/kind-worker",
            DropReasonDesc = DropReason.POLICY_DENIED,
        };
        Assert.Equal(DocsLine2, FlowJson.Write(new FlowRecord(flow, "kind-kind/kind-worker", time)));
    }

    [Theory]
    [InlineData(DocsLine1)]
    [InlineData(DocsLine2)]
    public void Docs_lines_round_trip_exactly(string line)
    {
        Assert.Equal(line, FlowJson.Write(FlowJsonReader.Read(line)));
    }

    [Fact]
    public void Uint64_are_strings_bool_values_print_false_and_html_characters_are_escaped()
    {
        var flow = new Flow
        {
            IsReply = false,
            EventType = new CiliumEventType(5),
            PolicyMatchType = 1,
            TrafficDirection = TrafficDirection.EGRESS,
            DropReason = 181,
            EgressDeniedBy = [new Policy("deny-tg-to-echo", "net-lab", ["k8s:io.cilium.k8s.policy.name=deny-tg-to-echo"], 6, "CiliumNetworkPolicy")],
            L7 = new Layer7 { Type = L7FlowType.RESPONSE, LatencyNs = 937874, Http = new HTTP { Code = 200, Url = "http://a/?x=1&y=<2>" } },
        };
        var json = FlowJson.WriteFlow(flow);
        Assert.Equal(
            """{"drop_reason":181,"l7":{"type":"RESPONSE","latency_ns":"937874","http":{"code":200,"url":"http://a/?x=1\u0026y=\u003c2\u003e"}},"event_type":{"type":5},"traffic_direction":"EGRESS","policy_match_type":1,"is_reply":false,"egress_denied_by":[{"name":"deny-tg-to-echo","namespace":"net-lab","labels":["k8s:io.cilium.k8s.policy.name=deny-tg-to-echo"],"revision":"6","kind":"CiliumNetworkPolicy"}]}""",
            json);
        var back = FlowJsonReader.Read(json).Flow;
        Assert.Equal("http://a/?x=1&y=<2>", back.L7!.Http!.Url);
        Assert.False(back.IsReply);
        Assert.Equal(6ul, back.EgressDeniedBy[0].Revision);
    }

    [Theory]
    [InlineData(0, "2023-08-21T12:12:18Z")]
    [InlineData(500_000_000, "2023-08-21T12:12:18.500Z")]
    [InlineData(510_175_000, "2023-08-21T12:12:18.510175Z")]
    [InlineData(510_175_415, "2023-08-21T12:12:18.510175415Z")]
    public void Timestamps_use_0_3_6_or_9_fraction_digits(int nanos, string expected)
    {
        var t = new Timestamp(1692619938, nanos);
        Assert.Equal("{\"time\":\"" + expected + "\"}", FlowJson.WriteFlow(new Flow { Time = t }));
        Assert.Equal(t, FlowJsonReader.ParseTimestamp(expected, "time"));
    }

    [Fact]
    public void Bad_lines_name_the_line_and_field()
    {
        var ex = Assert.Throws<FormatException>(() => FlowJsonReader.ReadLines(DocsLine1 + "\n{\"flow\":{\"verdict\":\"MAYBE\"}}\n"));
        Assert.Equal("line 2: verdict: \"MAYBE\" is not a Verdict value", ex.Message);
    }
}
