using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.Probe;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class ProbeCheckEvaluatorTests
{
    private static ProbeCheck Landing(ProbeExpectation expect) => new("p", "p", StarWarsLab.At, PodSelector.ByName("xwing"),
        new HttpProbe("POST", "http://deathstar.default.svc.cluster.local/v1/request-landing", 200, "Ship landed"), expect, 3);

    private static Task<CheckResult> Run(ProbeCheck check, InMemoryCluster c) =>
        ProbeCheckEvaluator.EvaluateAsync(check, new CheckContext(c, StarWarsLab.StepStart, StarWarsLab.StepStart), CancellationToken.None);

    [Fact]
    public async Task Runs_curl_in_the_pod_and_a_timeout_fails_success_with_drop_advice()
    {
        var c = StarWarsLab.Create();
        c.AnswerExec(_ => (28, "\n000", ""));
        var r = await Run(Landing(ProbeExpectation.Success), c);
        var exec = Assert.Single(c.Execs);
        Assert.Equal(("default", "xwing", "curl"), (exec.Namespace, exec.Pod, exec.Command[0]));
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("from xwing: curl timed out (exit 28)", r.Observed);
        Assert.Contains("dropped", r.Hint);
        Assert.Equal(CheckOutcome.Passed, (await Run(Landing(ProbeExpectation.Timeout), c)).Outcome);
    }

    [Fact]
    public async Task Success_needs_the_code_and_the_body()
    {
        var c = StarWarsLab.Create();
        c.AnswerExec(_ => (0, "Ship landed\n\n200", ""));
        var ok = await Run(Landing(ProbeExpectation.Success), c);
        Assert.Equal(CheckOutcome.Passed, ok.Outcome);
        Assert.Equal("from xwing: HTTP 200, body \"Ship landed\"", ok.Observed);
        c.AnswerExec(_ => (0, "Ship crashed\n\n200", ""));
        Assert.Equal(CheckOutcome.Failed, (await Run(Landing(ProbeExpectation.Success), c)).Outcome);
    }

    [Fact]
    public async Task Access_denied_is_denied()
    {
        var c = StarWarsLab.Create();
        c.AnswerExec(_ => (0, "Access denied\n\n403", ""));
        Assert.Equal(CheckOutcome.Passed, (await Run(Landing(ProbeExpectation.Denied), c)).Outcome);
    }

    [Fact]
    public async Task A_pod_that_is_not_running_is_named_with_its_phase()
    {
        var c = StarWarsLab.Create();
        c.SetPodStatus("xwing", "10.0.0.30", running: false);
        var r = await Run(Landing(ProbeExpectation.Success), c);
        Assert.Equal("no pod of default/xwing is Running (xwing: Pending)", r.Observed);
        Assert.Empty(c.Execs);
    }
}
