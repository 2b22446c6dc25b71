using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class FlowRequestJsonTests
{
    private const string XwingDrop = """{"flow":{"time":"2026-11-22T12:01:40Z","verdict":"DROPPED","IP":{"source":"10.0.0.30","destination":"10.0.0.147","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":44916,"destination_port":80,"flags":{"SYN":true}}},"source":{"identity":22654,"namespace":"default","labels":["k8s:class=xwing"],"pod_name":"xwing"},"destination":{"identity":16530,"namespace":"default","pod_name":"deathstar-6fb5694d48-5hmds"},"Type":"L3_L4","node_name":"lab","event_type":{"type":1,"sub_type":133},"traffic_direction":"INGRESS","drop_reason_desc":"POLICY_DENIED"},"node_name":"lab","time":"2026-11-22T12:01:40Z"}""";
    private const string TieForward = """{"flow":{"time":"2026-11-22T12:01:41Z","verdict":"FORWARDED","IP":{"source":"10.0.0.112","destination":"10.0.0.147","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"SYN":true}}},"source":{"identity":31028,"namespace":"default","pod_name":"tiefighter"},"destination":{"identity":16530,"namespace":"default","pod_name":"deathstar-6fb5694d48-5hmds"},"Type":"L3_L4","node_name":"lab","event_type":{"type":4},"is_reply":false},"node_name":"lab","time":"2026-11-22T12:01:41Z"}""";

    private static FlowQuery Observe(params string[] args) => HubbleObserveArgs.Parse(args, DateTimeOffset.Parse("2026-11-22T12:05:00Z")).Query;

    [Theory]
    [InlineData("--pod", "default/xwing", "--verdict", "DROPPED")]
    [InlineData("--not", "--verdict", "DROPPED", "--to-pod", "default/deathstar")]
    [InlineData("--from-label", "k8s:class=xwing", "--type", "drop", "--protocol", "tcp", "--to-port", "80")]
    [InlineData("--identity", "16530", "--traffic-direction", "ingress", "--drop-reason-desc", "POLICY_DENIED")]
    [InlineData("--type", "trace:to-endpoint", "--ip", "10.0.0.0/24", "--node-name", "la*")]
    [InlineData("--http-status", "5+", "--http-method", "GET", "--http-path", "/v1/.*", "--fqdn", "*.cilium.io")]
    public void Every_hubble_filter_survives_the_trip_and_selects_the_same_flows(params string[] args)
    {
        var query = Observe([.. args, "--all"]);
        var (back, follow) = FlowRequestJson.Read(FlowRequestJson.Write(query, follow: false));
        Assert.False(follow);
        var flows = new[] { FlowJsonReader.Read(XwingDrop).Flow, FlowJsonReader.Read(TieForward).Flow };
        Assert.Equal(flows.Select(query.Filter.Matches), flows.Select(back.Filter.Matches));
        // Writing the read query again gives the same text: nothing was lost or reordered.
        Assert.Equal(FlowRequestJson.Write(query, false), FlowRequestJson.Write(back, false));
    }

    [Theory]
    [InlineData("lab")]
    [InlineData("lab-worker")]
    public void A_node_scoped_query_survives_the_trip_and_keeps_to_that_nodes_flows(string node)
    {
        var tie = FlowJsonReader.Read(TieForward.Replace("\"node_name\":\"lab\"", "\"node_name\":\"labsite/lab-worker\"", StringComparison.Ordinal)).Flow;
        var flows = new[] { FlowJsonReader.Read(XwingDrop).Flow, tie };
        foreach (var query in new[] { Observe("--all"), Observe("--pod", "default/", "--all"), Observe("--node-name", "labsite/lab", "--all") })
        {
            var scoped = query with { Filter = query.Filter.OnNode(node) };
            var (back, _) = FlowRequestJson.Read(FlowRequestJson.Write(scoped, follow: false));

            Assert.Equal(flows.Select(scoped.Filter.Matches), flows.Select(back.Filter.Matches));
            Assert.All(flows.Where(back.Filter.Matches), f => Assert.EndsWith(node, f.NodeName, StringComparison.Ordinal));
        }
        Assert.Equal(node == "lab" ? [true, false] : [false, true], flows.Select(Observe("--all").Filter.OnNode(node).Matches));
        // --node-name naming only the other node leaves nothing, not everything
        Assert.DoesNotContain(true, flows.Select(FlowRequestJson.Read(FlowRequestJson.Write(Observe("--node-name", "other", "--all") with
            { Filter = Observe("--node-name", "other", "--all").Filter.OnNode(node) }, false)).Query.Filter.Matches));
    }

    [Fact]
    public void Counts_and_times_map_to_number_first_since_and_until()
    {
        Assert.Equal("""{"number":"5"}""", FlowRequestJson.Write(Observe("--last", "5"), follow: false));
        Assert.Equal("""{"number":"3","first":true}""", FlowRequestJson.Write(Observe("--first", "3"), follow: false));
        Assert.Equal("""{"number":"18446744073709551615"}""", FlowRequestJson.Write(Observe("--all"), follow: false));
        Assert.Equal("""{"number":"0","follow":true}""", FlowRequestJson.Write(Observe("-f"), follow: true));
        Assert.Equal("""{"number":"18446744073709551615","since":"2026-11-22T12:00:00Z","until":"2026-11-22T12:04:00Z"}""",
            FlowRequestJson.Write(Observe("--since", "5m", "--until", "1m"), follow: false));

        Assert.Equal(new FlowQuery(FlowFilterSet.All, Last: 5).Last, FlowRequestJson.Read("""{"number":5}""").Query.Last);
        var first = FlowRequestJson.Read("""{"number":"3","first":true}""").Query;
        Assert.Equal((3, (int?)null), (first.First!.Value, first.Last));
        var all = FlowRequestJson.Read("""{"number":"18446744073709551615","since":"2026-11-22T12:00:00Z"}""").Query;
        Assert.True(all.All);
        Assert.Null(all.Last);
        Assert.Equal(Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2026-11-22T12:00:00Z")), all.Since);
        var (live, follow) = FlowRequestJson.Read("""{"number":"0","follow":true}""");
        Assert.Equal((0, true), (live.Last, follow));
    }

    [Theory]
    [InlineData("[]", "GetFlowsRequest: expected an object")]
    [InlineData("{\"number\":-1}", "GetFlowsRequest: number: expected a non-negative integer, got -1")]
    [InlineData("{\"limit\":5}", "GetFlowsRequest: unknown field \"limit\"")]
    [InlineData("{\"whitelist\":{}}", "GetFlowsRequest: whitelist: expected an array of FlowFilter")]
    [InlineData("{\"whitelist\":[{\"verdict\":[\"MAYBE\"]}]}", "GetFlowsRequest: whitelist[0].verdict: \"MAYBE\" is not a Verdict")]
    [InlineData("{\"blacklist\":[{},{\"source_pod\":\"x\"}]}", "GetFlowsRequest: blacklist[1].source_pod: expected an array")]
    [InlineData("{\"whitelist\":[{\"workload\":[]}]}", "GetFlowsRequest: whitelist[0]: unknown or unsupported FlowFilter field \"workload\"")]
    [InlineData("{\"since\":\"yesterday\"}", "since: \"yesterday\" is not an RFC 3339 time")]
    [InlineData("{\"number\":", "GetFlowsRequest: not JSON")]
    public void Bad_requests_name_the_field(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => FlowRequestJson.Read(json));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Lost_events_travel_as_get_flows_response_lines()
    {
        var line = FlowJson.WriteLost(new LostEvents(LostEvents.ObserverQueue, 7), "lab", new Timestamp(1_795_000_000, 0));
        Assert.Equal("""{"lost_events":{"source":"OBSERVER_EVENTS_QUEUE","num_events_lost":"7"},"node_name":"lab","time":"2026-11-18T11:06:40Z"}""", line);
        Assert.Equal(new FlowEvent(null, new LostEvents(LostEvents.ObserverQueue, 7)), FlowJsonReader.ReadEvent(line));
        var flow = FlowJsonReader.ReadEvent(XwingDrop);
        Assert.Null(flow.Lost);
        Assert.Equal(FlowJson.Write(FlowJsonReader.Read(XwingDrop)), FlowJson.Write(flow.Record!));
    }
}
