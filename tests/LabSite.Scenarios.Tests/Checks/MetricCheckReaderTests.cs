using LabSite.Scenarios.Checks;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Tests.Checks;

public class MetricCheckReaderTests
{
    [Fact]
    public void A_metric_check_reads_the_selector_the_comparison_and_the_traffic()
    {
        var check = CheckParsing.Valid<MetricCheck>("""
            id: no-drops
            kind: metric
            title: No more drops
            metric: hubble_drop_total{reason="POLICY_DENIED", protocol="TCP"}
            equals: 0
            traffic:
              from: shop/frontend
              http: {url: "http://backend.shop.svc.cluster.local/"}
              timeout: 2
            """);

        Assert.Equal("hubble_drop_total", check.Metric);
        Assert.Equal(new Dictionary<string, string> { ["protocol"] = "TCP", ["reason"] = "POLICY_DENIED" }, check.Labels);
        Assert.Equal((MetricComparison.EqualTo, 0.0), (check.Comparison, check.Value));
        var traffic = Assert.IsType<MetricTraffic>(check.Traffic);
        Assert.Equal("shop/frontend", traffic.From.ToString());
        Assert.Equal(new HttpProbe("GET", "http://backend.shop.svc.cluster.local/", null, null), traffic.Target);
        Assert.Equal(2, traffic.TimeoutSeconds);
    }

    [Fact]
    public void A_bare_name_and_a_histogram_bucket_are_metrics_too()
    {
        var bare = CheckParsing.Valid<MetricCheck>("id: m\nkind: metric\ntitle: t\nmetric: hubble_flows_processed_total\natLeast: 1");
        var bucket = CheckParsing.Valid<MetricCheck>("id: m\nkind: metric\ntitle: t\nmetric: 'hubble_http_request_duration_seconds_bucket{le=\"0.1\",reporter=\"server\"}'\natMost: 5");

        Assert.Empty(bare.Labels);
        Assert.Null(bare.Traffic);
        Assert.Equal(MetricComparison.AtLeast, bare.Comparison);
        Assert.Equal("0.1", bucket.Labels["le"]);
        Assert.Equal((MetricComparison.AtMost, 5.0), (bucket.Comparison, bucket.Value));
    }

    [Theory]
    [InlineData("metric: hubble_drops_total\nequals: 0", "lab.md:6:9: error: \"metric\" in check \"m\" must be one of")]
    [InlineData("metric: hubble_drop_total{reason=POLICY_DENIED}\nequals: 0", "lab.md:6:9: error: \"metric\" in check \"m\" must read name or name{label=\"value\",...}, like hubble_drop_total{reason=\"POLICY_DENIED\"}; the value of label reason must be in double quotes")]
    [InlineData("metric: hubble_drop_total{reason=\"POLICY_DENIED\"\nequals: 0", "the labels must end with }")]
    [InlineData("metric: hubble_drop_total{reason!=\"POLICY_DENIED\"}\nequals: 0", "only = is supported, not != (label reason)")]
    [InlineData("metric: hubble_drop_total{verdict=\"DROPPED\"}\nequals: 0", "lab.md:6:9: error: hubble_drop_total has no label \"verdict\"; its labels are reason, protocol")]
    [InlineData("metric: hubble_drop_total{reason=\"POLICY_DENIAL\"}\nequals: 0", "label reason of hubble_drop_total is never \"POLICY_DENIAL\"")]
    [InlineData("metric: hubble_drop_total\nequals: none", "lab.md:7:9: error: \"equals\" in check \"m\" must be a number of 0 or more, like 0 or 12; got \"none\"")]
    [InlineData("metric: hubble_drop_total\nequals: -1", "must be a number of 0 or more")]
    [InlineData("metric: hubble_drop_total", "lab.md:1:1: error: check \"m\" must compare the metric with a number: one of equals, atLeast or atMost")]
    [InlineData("metric: hubble_drop_total\nequals: 0\natMost: 1", "lab.md:8:1: error: check \"m\" has both equals and atMost; a metric check makes one comparison, so split it into two checks")]
    [InlineData("metric: hubble_drop_total\nequals: 0\ntraffic: {from: xwing}", "must say what to try: one of tcp: host:port, http: {url: ...} or dns: name")]
    [InlineData("metric: hubble_drop_total\nequals: 0\ntraffic: {tcp: 'deathstar:80'}", "\"traffic\" of check \"m\" is missing required key \"from\"")]
    [InlineData("metric: hubble_drop_total\nequals: 0\ntraffic: {from: xwing, tcp: deathstar}", "\"tcp\" of check \"m\" must be host:port")]
    public void Bad_input_is_reported_at_its_line_with_the_field(string body, string error)
    {
        var (check, errors) = CheckParsing.Parse($"id: m\nkind: metric\ntitle: t\nbeforeSolution: fail\n{body}");

        Assert.Null(check);
        Assert.Contains(errors, e => e.Contains(error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hubble_drop_total", "hubble_drop_total", 0)]
    [InlineData("hubble_drop_total{}", "hubble_drop_total", 0)]
    [InlineData("hubble_drop_total{ reason = \"POLICY_DENIED\" , protocol=\"TCP\" }", "hubble_drop_total", 2)]
    public void Selectors_split_into_name_and_labels(string text, string name, int labels)
    {
        var (parsedName, parsedLabels, problem) = MetricCheckReader.ParseSelector(text);

        Assert.Null(problem);
        Assert.Equal(name, parsedName);
        Assert.Equal(labels, parsedLabels.Count);
    }
}
