using LabSite.Clusters.Contract.Runtime;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class RuntimeCheckEvaluatorTests
{
    private static readonly PodSelector s_deathstar = PodSelector.ByName("deathstar");

    private static TetragonProcess Proc(string binary, string? args, string pod = StarWarsLab.Deathstar1, uint pid = 42) =>
        new("aWQ=", pid, 1000, binary, args, "execve", StarWarsLab.StepStart, new TetragonPod("default", pod, new TetragonContainer("labsite://x", "deathstar"), new Dictionary<string, string> { ["org"] = "empire" }, "deathstar"), null);

    private static RuntimeCheck Check(RuntimeEventFilter filter, FlowExpectation expect = FlowExpectation.Exists, IReadOnlyList<string>? run = null) =>
        new("r", "Runtime", StarWarsLab.At, filter, expect, 1, CheckWindow.Step, run);

    private static RuntimeEventFilter Filter(RuntimeEventType type, string? binary = null, string? parent = null, string? path = null, RuntimeAction? action = null, string? signal = null, int? status = null) =>
        new(s_deathstar, type, binary, null, parent, path, null, action, signal, status);

    private static Task<CheckResult> Run(RuntimeCheck check, InMemoryCluster c) =>
        new CheckEvaluator().EvaluateAsync(check, new CheckContext(c, StarWarsLab.StepStart, StarWarsLab.StepStart), CancellationToken.None);

    private static void Write(InMemoryCluster c, TetragonEvent e) => c.RuntimeEvents!.Write(e with { Time = StarWarsLab.StepStart.AddSeconds(1) });

    [Fact]
    public async Task An_exec_started_by_the_shell_in_the_pod_passes_and_is_shown_as_a_compact_line()
    {
        var c = StarWarsLab.Create();
        var shell = Proc("/usr/bin/sh", "-c ls");
        Write(c, new TetragonEvent { ProcessExec = new ProcessExec(Proc("/usr/bin/ls", "/", pid: 43), shell) });

        var r = await Run(Check(Filter(RuntimeEventType.Exec, "ls", parent: "sh")), c);

        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Equal([$"🚀 process default/{StarWarsLab.Deathstar1} /usr/bin/ls /"], r.Evidence);
        Assert.Equal("at least 1 process_exec event(s) of ls in default/deathstar started by sh since this step started", r.Expected);
    }

    [Fact]
    public async Task Events_of_another_pod_or_before_the_step_do_not_count_and_the_pods_other_events_are_shown()
    {
        var c = StarWarsLab.Create();
        c.RuntimeEvents!.Write(new TetragonEvent { ProcessExec = new ProcessExec(Proc("/usr/bin/ls", null), null), Time = StarWarsLab.StepStart.AddSeconds(-5) });
        Write(c, new TetragonEvent { ProcessExec = new ProcessExec(Proc("/usr/bin/ls", null, pod: "xwing"), null) });
        Write(c, new TetragonEvent { ProcessExec = new ProcessExec(Proc("/usr/bin/id", null), null) });

        var r = await Run(Check(Filter(RuntimeEventType.Exec, "/usr/bin/ls")), c);

        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("no matching event since this step started; 1 other event(s) from default/deathstar (newest below)", r.Observed);
        Assert.Equal([$"🚀 process default/{StarWarsLab.Deathstar1} /usr/bin/id"], r.Evidence);
    }

    [Fact]
    public async Task Lsm_action_and_exit_signal_are_matched_as_tetragon_names_them()
    {
        var c = StarWarsLab.Create();
        var cat = Proc("/usr/bin/cat", "/token");
        Write(c, new TetragonEvent { ProcessLsm = new ProcessLsm(cat, null, "file_open", "secret-read", [new TetragonArg(new FileArg("/token"), null)], TetragonActions.Sigkill) });
        Write(c, new TetragonEvent { ProcessExit = new ProcessExit(cat, null, "SIGKILL", null, StarWarsLab.StepStart) });

        Assert.Equal(CheckOutcome.Passed, (await Run(Check(Filter(RuntimeEventType.Lsm, path: "/token", action: RuntimeAction.Sigkill)), c)).Outcome);
        Assert.Equal(CheckOutcome.Failed, (await Run(Check(Filter(RuntimeEventType.Lsm, path: "/token", action: RuntimeAction.Post)), c)).Outcome);
        Assert.Equal(CheckOutcome.Passed, (await Run(Check(Filter(RuntimeEventType.Exit, "cat", signal: "SIGKILL")), c)).Outcome);
        Assert.Equal(CheckOutcome.Failed, (await Run(Check(Filter(RuntimeEventType.Exit, "cat", status: 0)), c)).Outcome);
        Assert.Equal(CheckOutcome.Passed, (await Run(Check(Filter(RuntimeEventType.Exit, "cat", signal: "SIGTERM"), FlowExpectation.Absent), c)).Outcome);
    }

    [Fact]
    public async Task With_run_the_grader_execs_the_command_in_the_pod_and_counts_only_later_events()
    {
        var c = StarWarsLab.Create();
        var cat = Proc("/usr/bin/cat", "/token");
        Write(c, new TetragonEvent { ProcessExit = new ProcessExit(cat, null, "SIGKILL", null, StarWarsLab.StepStart) }); // before the run
        c.AnswerExec(_ => (0, "eyJ...", ""));

        var r = await Run(Check(Filter(RuntimeEventType.Exit, "cat", signal: "SIGKILL"), run: ["cat", "/token"]), c);

        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        var exec = Assert.Single(c.Execs);
        Assert.Equal(["cat", "/token"], exec.Command);
        Assert.StartsWith("deathstar", exec.Pod, StringComparison.Ordinal);
        Assert.Equal("exit code 0", r.Evidence[1]);
    }

    [Fact]
    public async Task A_cluster_without_a_runtime_sensor_cannot_be_checked_yet()
    {
        var c = StarWarsLab.Create();
        c.RuntimeEvents = null;

        var r = await Run(Check(Filter(RuntimeEventType.Exec, "ls")), c);

        Assert.Equal(CheckOutcome.CannotCheck, r.Outcome);
        Assert.Contains("runs no runtime-security sensor", r.Observed, StringComparison.Ordinal);
    }
}
