using LabSite.Clusters.Contract.Flows;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.Flow;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using CheckFilter = LabSite.Scenarios.Model.Checks.FlowFilter;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class FlowCheckEvaluatorTests
{
    private static FlowCheck XwingDropped(FlowExpectation expect = FlowExpectation.Exists, CheckWindow window = CheckWindow.Step) => new(
        "xwing-dropped", "X-wing dropped", StarWarsLab.At,
        new CheckFilter(PodSelector.ByName("xwing"), PodSelector.ByName("deathstar"), FlowVerdict.Dropped, "POLICY_DENIED", FlowProtocol.Tcp, 80, null, null, null),
        expect, 1, window);

    private static CheckContext Context(InMemoryCluster c) => new(c, StarWarsLab.StepStart, StarWarsLab.StepStart.AddMinutes(-10));

    [Fact]
    public async Task Passes_with_a_matching_drop_in_the_window_and_shows_it_in_compact_format()
    {
        var c = StarWarsLab.Create();
        c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, 5, DropReason.POLICY_DENIED));
        var r = await FlowCheckEvaluator.EvaluateAsync(XwingDropped(), Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Equal("1 matching flow(s) since this step started", r.Observed);
        Assert.Contains("hubble observe --from-pod default/xwing --to-pod default/deathstar --verdict DROPPED --drop-reason-desc POLICY_DENIED --protocol tcp --to-port 80", r.Expected);
        var line = Assert.Single(r.Evidence);
        Assert.StartsWith("Nov 22 12:00:05.000: default/xwing:40000 (ID:257) -> default/deathstar-54c4d4bdf9-fwhtv:80 (ID:258)", line, StringComparison.Ordinal);
        Assert.Contains("DROPPED", line);
    }

    [Fact]
    public async Task Drops_before_the_step_started_count_only_in_the_lab_window()
    {
        var c = StarWarsLab.Create();
        c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, -60, DropReason.POLICY_DENIED));
        var step = await FlowCheckEvaluator.EvaluateAsync(XwingDropped(), Context(c), CancellationToken.None);
        var lab = await FlowCheckEvaluator.EvaluateAsync(XwingDropped(window: CheckWindow.Lab), Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, step.Outcome);
        Assert.Equal(CheckOutcome.Passed, lab.Outcome);
    }

    [Fact]
    public async Task Failing_shows_the_near_misses_between_the_pods_and_advice()
    {
        var c = StarWarsLab.Create();
        c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.FORWARDED, 5));
        var r = await FlowCheckEvaluator.EvaluateAsync(XwingDropped(), Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("no matching flow since this step started; 1 other flow(s) between these pods (newest below)", r.Observed);
        Assert.Contains("FORWARDED", Assert.Single(r.Evidence));
        Assert.StartsWith("Generate the traffic", r.Hint);
    }

    [Fact]
    public async Task Absent_fails_when_a_matching_flow_exists_and_the_author_hint_wins()
    {
        var c = StarWarsLab.Create();
        c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.DROPPED, 1, DropReason.POLICY_DENIED));
        var check = XwingDropped(FlowExpectation.Absent) with { OnFail = "Delete rule1." };
        var r = await FlowCheckEvaluator.EvaluateAsync(check, Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("Delete rule1.", r.Hint);
    }

    [Fact]
    public async Task Label_selectors_match_flow_endpoint_labels()
    {
        var c = StarWarsLab.Create();
        c.Flows.Write(StarWarsLab.Flow("xwing", 257, Verdict.FORWARDED, 1));
        var check = XwingDropped() with
        {
            Filter = new CheckFilter(null, PodSelector.ByLabels(new Dictionary<string, string> { ["class"] = "deathstar", ["org"] = "empire" }), FlowVerdict.Forwarded, null, null, null, null, null, null),
        };
        var r = await FlowCheckEvaluator.EvaluateAsync(check, Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Contains("--to-namespace default --to-label class=deathstar,org=empire", r.Expected);
    }

    [Fact]
    public async Task Without_inspection_it_cannot_check_yet_and_says_why()
    {
        var r = await new CheckEvaluator().EvaluateAsync(XwingDropped(), new CheckContext(StarWarsLab.Create().WithoutInspection(), StarWarsLab.StepStart, StarWarsLab.StepStart), CancellationToken.None);
        Assert.Equal(CheckOutcome.CannotCheck, r.Outcome);
        Assert.Equal("cannot check yet: the fake backend of cluster fake offers no flow or eBPF map inspection", r.Observed);
    }
}
