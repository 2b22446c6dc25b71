using LabSite.Clusters.Contract.Flows;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class MetricCheckEvaluatorTests
{
    private static readonly Dictionary<string, string> s_policyDenied = new() { ["reason"] = "POLICY_DENIED" };

    private static MetricCheck Drops(MetricComparison comparison, double value, MetricTraffic? traffic = null) =>
        new("m", "Drops", StarWarsLab.At, "hubble_drop_total", s_policyDenied, comparison, value, traffic);

    private static Task<CheckResult> Run(MetricCheck check, InMemoryCluster c) =>
        new CheckEvaluator().EvaluateAsync(check, new CheckContext(c, StarWarsLab.StepStart, StarWarsLab.StepStart), CancellationToken.None);

    private static void Drop(InMemoryCluster c, int times, DropReason reason = DropReason.POLICY_DENIED)
    {
        for (var i = 0; i < times; i++)
        {
            c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, i, reason));
        }
    }

    [Fact]
    public async Task Sums_the_series_with_the_labels_and_passes_when_the_comparison_holds()
    {
        var c = StarWarsLab.Create();
        Drop(c, 3);
        Drop(c, 2, DropReason.POLICY_DENY);

        var r = await Run(Drops(MetricComparison.AtLeast, 1), c);

        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Equal("hubble_drop_total{reason=\"POLICY_DENIED\"} is at least 1", r.Expected);
        Assert.Equal("hubble_drop_total{reason=\"POLICY_DENIED\"} is 3, expected at least 1", r.Observed);
        Assert.Equal(["hubble_drop_total{protocol=\"TCP\",reason=\"POLICY_DENIED\"} 3"], r.Evidence);
    }

    [Fact]
    public async Task A_failure_says_the_value_and_what_was_expected_and_how_to_read_it()
    {
        var c = StarWarsLab.Create();
        Drop(c, 12);

        var r = await Run(Drops(MetricComparison.EqualTo, 0), c);

        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("hubble_drop_total{reason=\"POLICY_DENIED\"} is 12, expected 0", r.Observed);
        Assert.Contains("curl -s http://hubble-metrics.kube-system.svc.cluster.local:9965/metrics | grep hubble_drop_total", r.Hint);
    }

    [Fact]
    public async Task A_series_never_counted_is_zero_and_the_evidence_says_so()
    {
        var c = StarWarsLab.Create();

        var r = await Run(Drops(MetricComparison.AtLeast, 1), c);

        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("hubble_drop_total{reason=\"POLICY_DENIED\"} is 0, expected at least 1", r.Observed);
        Assert.Contains("no hubble_drop_total series", Assert.Single(r.Evidence));
    }

    [Fact]
    public async Task With_traffic_the_rise_while_the_grader_sends_it_is_compared()
    {
        var c = StarWarsLab.Create();
        Drop(c, 5);
        // The datapath's answer to the grader's curl: two more SYNs dropped, then curl gives up.
        c.AnswerExec(_ =>
        {
            Drop(c, 2);
            return (28, "\n000", "");
        });
        var traffic = new MetricTraffic(PodSelector.ByName("xwing"), new HttpProbe("GET", "http://deathstar.default.svc.cluster.local/", null, null), 3);

        var r = await Run(Drops(MetricComparison.EqualTo, 0, traffic), c);

        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("hubble_drop_total{reason=\"POLICY_DENIED\"} rises by 0 while default/xwing sends GET http://deathstar.default.svc.cluster.local/", r.Expected);
        Assert.Equal("hubble_drop_total{reason=\"POLICY_DENIED\"} rose by 2 (from 5 to 7) while xwing sent the traffic (curl timed out (exit 28)), expected 0", r.Observed);
        Assert.StartsWith("$ kubectl exec xwing -- curl", r.Evidence[0]);
        c.AnswerExec(_ => (0, "ok\n200", ""));
        Assert.Equal(CheckOutcome.Passed, (await Run(Drops(MetricComparison.EqualTo, 0, traffic), c)).Outcome);
    }

    [Fact]
    public async Task A_backend_without_metrics_cannot_be_checked()
    {
        var c = StarWarsLab.Create();
        c.ServesMetrics = false;

        var r = await Run(Drops(MetricComparison.EqualTo, 0), c);

        Assert.Equal(CheckOutcome.CannotCheck, r.Outcome);
        Assert.Contains("serves no Hubble metrics", r.Observed);
    }

    [Fact]
    public void Passive_metric_checks_run_with_flow_checks_before_any_traffic()
    {
        var traffic = new MetricTraffic(PodSelector.ByName("xwing"), new TcpProbe("deathstar", 80), 3);
        var probe = new ProbeCheck("p", "p", StarWarsLab.At, PodSelector.ByName("xwing"), new TcpProbe("deathstar", 80), ProbeExpectation.Timeout, 3);
        var sending = Drops(MetricComparison.EqualTo, 0, traffic) with { Id = "sending" };
        var passive = Drops(MetricComparison.AtLeast, 1) with { Id = "passive" };

        var order = CheckEvaluator.EvaluationOrder([probe, sending, passive]).Select(c => c.Id);

        Assert.Equal(["passive", "p", "sending"], order);
    }
}
