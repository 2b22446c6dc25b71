using LabSite.Clusters.Contract.Flows;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.Flow;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;
using CheckFilter = LabSite.Scenarios.Model.Checks.FlowFilter;

namespace LabSite.Grader.Tests.Evaluation;

/// <summary>flow-ratio: per-destination shares of tiefighter's flows to the two Death Star replicas.</summary>
public sealed class FlowRatioCheckEvaluatorTests
{
    private static FlowRatioCheck Split(int first, int second, int tolerance = 10, int minCount = 10) => new(
        "split", "Split", StarWarsLab.At,
        new CheckFilter(PodSelector.ByName("tiefighter"), null, FlowVerdict.Forwarded, null, null, null, null, null, null),
        [new FlowShare(PodSelector.ByName(StarWarsLab.Deathstar1), first), new FlowShare(PodSelector.ByName(StarWarsLab.Deathstar2), second)],
        tolerance, minCount, CheckWindow.Step);

    private static CheckContext Context(InMemoryCluster c) => new(c, StarWarsLab.StepStart, StarWarsLab.StepStart.AddMinutes(-10));

    /// <summary>Writes <paramref name="toFirst"/> flows to replica 1 and <paramref name="toSecond"/> to replica 2.</summary>
    private static InMemoryCluster Lab(int toFirst, int toSecond)
    {
        var c = StarWarsLab.Create();
        for (var i = 0; i < toFirst + toSecond; i++)
        {
            var record = StarWarsLab.Flow("tiefighter", 256, Verdict.FORWARDED, 1 + i % 50);
            if (i >= toFirst)
            {
                record.Flow.Destination = new Endpoint { ID = 4, Identity = 258, Namespace = "default", PodName = StarWarsLab.Deathstar2, Labels = ["k8s:class=deathstar", "k8s:org=empire"] };
                record.Flow.IP = new IP { Source = "10.0.0.112", Destination = "10.0.0.148", IpVersion = IPVersion.IPv4 };
            }
            c.Flows.Write(record);
        }
        return c;
    }

    [Fact]
    public async Task Passes_within_the_tolerance_and_shows_each_destinations_share()
    {
        var r = await FlowRatioCheckEvaluator.EvaluateAsync(Split(90, 10), Context(Lab(85, 15)), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Equal("100 matching flow(s) since this step started: 85%, 15%", r.Observed);
        Assert.StartsWith($"default/{StarWarsLab.Deathstar1}: 85 flow(s), 85% (wanted 90%)", r.Evidence[0], StringComparison.Ordinal);
        Assert.Contains("split 90% to", r.Expected);
    }

    [Fact]
    public async Task Fails_when_a_share_is_off_by_more_than_the_tolerance()
    {
        var r = await FlowRatioCheckEvaluator.EvaluateAsync(Split(90, 10), Context(Lab(50, 50)), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.StartsWith("The split is off by up to 40 points", r.Hint);
    }

    [Fact]
    public async Task Fails_with_too_few_flows_even_at_the_right_split()
    {
        var r = await FlowRatioCheckEvaluator.EvaluateAsync(Split(90, 10, minCount: 100), Context(Lab(9, 1)), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.StartsWith("Only 10 of the 100 flows needed", r.Hint);
    }

    [Fact]
    public async Task The_check_evaluator_dispatches_flow_ratio_checks()
    {
        var r = await new CheckEvaluator().EvaluateAsync(Split(50, 50), Context(Lab(10, 10)), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
    }
}
