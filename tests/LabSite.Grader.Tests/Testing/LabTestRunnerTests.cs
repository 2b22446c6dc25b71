using LabSite.Clusters.Contract;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Testing;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Testing;

public sealed class LabTestRunnerTests
{
    /// <summary>"Solutions" that create the named Pod object in the fake cluster, recording each script.</summary>
    private sealed class CreatingSolutions(InMemoryCluster cluster) : ISolutionRunner
    {
        public List<string> Scripts { get; } = [];

        public Task<SolutionRun> RunAsync(ILabCluster c, string script, CancellationToken ct)
        {
            Scripts.Add(script);
            if (script.StartsWith("create ", StringComparison.Ordinal))
            {
                cluster.AddPod(script["create ".Length..], new Dictionary<string, string>());
                return Task.FromResult(new SolutionRun(0, "created"));
            }
            return Task.FromResult(new SolutionRun(127, "labsh: nope: command not found"));
        }
    }

    private static ObjectCheck PodExists(string name) => new(name, name, StarWarsLab.At, "Pod", name, null, ObjectExpectation.Exists, null, null);

    private static LabStep Step(string id, string[] commands, params CheckSpec[] checks) =>
        new(id, id, 0, "", [], [], new StepSolution("", commands), checks, StarWarsLab.At);

    private static Lab Lab(params LabStep[] steps) =>
        new(new LabMeta("demo", "Demo", "", 10, Difficulty.Beginner, [], [], ["netns"]), "/labs/demo", "/labs/demo/lab.md", "", steps, []);

    private static LabTestRunner Runner(ISolutionRunner solutions) => new(new CheckEvaluator(), solutions) { SettleAttempts = 1 };

    [Fact]
    public async Task A_check_that_fails_before_and_passes_after_is_ok()
    {
        var c = new InMemoryCluster();
        var report = await Runner(new CreatingSolutions(c)).RunAsync(Lab(Step("s1", ["create web"], PodExists("web"))), c, CancellationToken.None);
        var line = Assert.Single(report.Checks);
        Assert.Equal("✓ demo/s1/web failed before, passed after", line.ToString());
        Assert.True(report.Passed);
    }

    [Fact]
    public async Task A_check_that_already_passes_is_reported_unless_marked()
    {
        var c = new InMemoryCluster();
        c.AddPod("web", new Dictionary<string, string>());
        var lab = Lab(Step("s1", ["create db"], PodExists("web"), PodExists("db")));
        var report = await Runner(new CreatingSolutions(c)).RunAsync(lab, c, CancellationToken.None);
        Assert.Equal("✗ demo/s1/web passed before (expected it to fail), passed after", report.Checks[0].ToString());
        Assert.False(report.Passed);

        var marked = Lab(Step("s1", ["create cache"], PodExists("web") with { BeforeSolution = BeforeSolution.Pass }));
        var again = await Runner(new CreatingSolutions(c)).RunAsync(marked, c, CancellationToken.None);
        Assert.Equal("✓ demo/s1/web passed before, passed after", again.Checks[0].ToString());
    }

    [Fact]
    public async Task A_failing_solution_block_and_a_check_that_never_passes_fail_the_lab()
    {
        var c = new InMemoryCluster();
        var solutions = new CreatingSolutions(c);
        var report = await Runner(solutions).RunAsync(Lab(Step("s1", ["nope", "create web"], PodExists("web"), PodExists("db"))), c, CancellationToken.None);
        Assert.Equal(["nope", "create web"], solutions.Scripts);
        var problem = Assert.Single(report.Problems);
        Assert.StartsWith("✗ demo/s1: solution block exited with 127:", problem.ToString());
        Assert.Equal("✗ demo/s1/db failed before, failed after", report.Checks[1].ToString());
        Assert.False(report.Passed);
    }

    [Fact]
    public async Task Answer_checks_are_answered_with_the_live_value_after_the_solution()
    {
        var c = StarWarsLab.Create();
        var answer = new AnswerCheck("id", "id", StarWarsLab.At, "q",
            new ExpectedAnswer(null, new LiveValue(LiveValueKind.Identity, PodSelector.ByName("xwing"), null, "default")), [], false);
        var report = await Runner(new CreatingSolutions(c)).RunAsync(Lab(Step("s1", [], answer)), c, CancellationToken.None);
        Assert.Equal("✓ demo/s1/id failed before, passed after", report.Checks[0].ToString());
        Assert.Equal("passed", CheckOutcomeText(report.Checks[0].After));
    }

    private static string CheckOutcomeText(Results.CheckResult r) => r.Passed ? "passed" : "failed";
}
