using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Runtime;

/// <summary>
/// Evaluates a runtime check: counts the Tetragon events in the window that match its filter. With <c>run</c>, it first
/// runs the command in the first running pod selected and counts only events from then on, waiting a moment for them
/// (the kernel hands events over asynchronously). Evidence: matching events as <c>tetra getevents -o compact</c> lines,
/// or, when none match, the pod's other events.
/// </summary>
public static class RuntimeCheckEvaluator
{
    public const int EvidenceLines = 5;

    /// <summary>How long a check with <c>run</c> waits for the events of what it ran (a bound, not a delay).</summary>
    public static readonly TimeSpan RunEventWait = TimeSpan.FromSeconds(3);

    /// <summary>How long a check without <c>run</c> waits for events still on their way from the kernel when none match yet.</summary>
    public static readonly TimeSpan InFlightWait = TimeSpan.FromSeconds(1);

    public static async Task<CheckResult> EvaluateAsync(RuntimeCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var f = check.Filter;
        var windowText = check.Run is not null ? "after the grader ran it" : check.Window == CheckWindow.Step ? "since this step started" : "since the lab started";
        var expected = check.Expect == FlowExpectation.Exists
            ? $"at least {check.MinCount} {Describe(f)} {windowText}"
            : $"no {Describe(f)} {windowText}";
        if (context.Inspector is not { } inspector || await inspector.GetRuntimeEventsAsync(new RuntimeEventQuery(TetragonFilter.All, 0), ct) is null)
        {
            return CannotCheck.Because(check, expected, $"the {context.Cluster.Backend} backend of cluster {context.Cluster.Name} runs no runtime-security sensor");
        }

        var since = check.Window == CheckWindow.Step ? context.StepStartedAt : context.LabStartedAt;
        var evidence = new List<string>();
        if (check.Run is { } command)
        {
            var (ran, runEvidence) = await RunAsync(check, context, command, ct);
            if (ran is null)
            {
                return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, runEvidence[0], [], check.OnFail ?? "Start the pod first and wait until it is Running.");
            }

            since = ran.Value;
            evidence.AddRange(runEvidence);
        }

        var matching = await MatchingAsync(inspector, check, since, ct);
        if (check.Expect == FlowExpectation.Exists)
        {
            // Events reach the ring a moment after the kernel saw them (a program that just ended): wait, bounded.
            var deadline = DateTimeOffset.UtcNow + (check.Run is null ? InFlightWait : RunEventWait);
            while (matching.Count < check.MinCount && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
                matching = await MatchingAsync(inspector, check, since, ct);
            }
        }

        var count = matching.Count;
        var passed = check.Expect == FlowExpectation.Exists ? count >= check.MinCount : count == 0;
        string observed;
        IReadOnlyList<TetragonEvent> shown = matching;
        if (count > 0)
        {
            observed = $"{count} matching event(s) {windowText}";
        }
        else
        {
            shown = (await Events(inspector, since, ct)).Where(e => InPod(f.Pod, e)).ToList();
            observed = shown.Count == 0
                ? $"no matching event {windowText}, and no event at all from {f.Pod}"
                : $"no matching event {windowText}; {shown.Count} other event(s) from {f.Pod} (newest below)";
        }

        evidence.AddRange(shown.TakeLast(EvidenceLines).Select(TetragonCompact.Format));
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed, evidence,
            passed ? null : check.OnFail ?? Advice(check, count));
    }

    /// <summary>Runs the check's command; returns when it started (events count from then) and the evidence lines.</summary>
    private static async Task<(DateTimeOffset? Started, List<string> Evidence)> RunAsync(RuntimeCheck check, CheckContext context, IReadOnlyList<string> command, CancellationToken ct)
    {
        var pods = await PodResolver.PodsAsync(context.Cluster, check.Filter.Pod, ct);
        var pod = pods.FirstOrDefault(p => (string?)p.Json["status"]?["phase"] == "Running");
        if (pod is null)
        {
            return (null, [pods.Count == 0 ? await PodResolver.NoneMatchAsync(context.Cluster, check.Filter.Pod, ct) : $"no pod of {check.Filter.Pod} is Running"]);
        }

        var started = DateTimeOffset.UtcNow;
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var exit = await context.Cluster.ExecAsync(new ExecRequest(pod.Namespace ?? check.Filter.Pod.Namespace, pod.Name, command, TimeSpan.FromSeconds(10)), new ExecStreams(stdout, stderr), ct);
        var evidence = new List<string> { $"$ kubectl exec {pod.Name} -- {string.Join(' ', command)}", $"exit code {exit.ToString(CultureInfo.InvariantCulture)}" };
        var err = Encoding.UTF8.GetString(stderr.ToArray()).Trim();
        if (err.Length > 0)
        {
            evidence.Add(err.Length > 300 ? err[..300] + "…" : err);
        }

        return (started, evidence);
    }

    private static async Task<IReadOnlyList<TetragonEvent>> MatchingAsync(IClusterInspector inspector, RuntimeCheck check, DateTimeOffset since, CancellationToken ct) =>
        (await Events(inspector, since, ct)).Where(e => Matches(check.Filter, e)).ToList();

    private static async Task<IReadOnlyList<TetragonEvent>> Events(IClusterInspector inspector, DateTimeOffset since, CancellationToken ct) =>
        (await inspector.GetRuntimeEventsAsync(RuntimeEventQuery.All, ct) ?? []).Where(e => e.Time >= since).ToList();

    public static bool Matches(RuntimeEventFilter f, TetragonEvent e)
    {
        var p = e.Process;
        if (p is null || !InPod(f.Pod, e))
        {
            return false;
        }

        var typeMatches = f.Event switch
        {
            RuntimeEventType.Exec => e.ProcessExec is not null,
            RuntimeEventType.Exit => e.ProcessExit is not null,
            RuntimeEventType.Lsm => e.ProcessLsm is not null,
            _ => true,
        };
        return typeMatches
            && (f.Binary is null || BinaryIs(p.Binary, f.Binary))
            && (f.Arguments is null || (p.Arguments ?? "").Contains(f.Arguments, StringComparison.Ordinal))
            && (f.Parent is null || (e.ProcessExec?.Parent is { } parent && BinaryIs(parent.Binary, f.Parent)))
            && (f.Path is null || e.ProcessLsm?.Args.Any(a => (a.FileArg ?? a.LinuxBinprmArg)?.Path == f.Path) == true)
            && (f.Policy is null || e.ProcessLsm?.PolicyName == f.Policy)
            && (f.Action is null || e.ProcessLsm?.Action == ActionName(f.Action.Value))
            && (f.Signal is null || e.ProcessExit?.Signal == f.Signal)
            && (f.Status is null || (e.ProcessExit is { Signal: null } x && (x.Status ?? 0) == f.Status));
    }

    private static bool InPod(PodSelector selector, TetragonEvent e) =>
        e.Process?.Pod is { } pod
        && PodResolver.Matches(selector, pod.Namespace, pod.Name, (pod.PodLabels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>A full path matches exactly; a bare name matches that file in any directory.</summary>
    private static bool BinaryIs(string binary, string wanted) =>
        wanted.Contains('/') ? binary == wanted : Path.GetFileName(binary) == wanted;

    private static string ActionName(RuntimeAction action) => action switch
    {
        RuntimeAction.Sigkill => TetragonActions.Sigkill,
        RuntimeAction.Override => TetragonActions.Override,
        _ => TetragonActions.Post,
    };

    /// <summary>"process_exit event(s) of cat in deathstar ended by SIGKILL", for expectations.</summary>
    private static string Describe(RuntimeEventFilter f)
    {
        var sb = new StringBuilder(f.Event switch { RuntimeEventType.Exec => "process_exec", RuntimeEventType.Exit => "process_exit", _ => "process_lsm" });
        sb.Append(" event(s)");
        if (f.Binary is not null)
        {
            sb.Append($" of {f.Binary}");
        }

        if (f.Arguments is not null)
        {
            sb.Append($" with arguments containing \"{f.Arguments}\"");
        }

        sb.Append($" in {f.Pod}");
        if (f.Parent is not null)
        {
            sb.Append($" started by {f.Parent}");
        }

        if (f.Path is not null)
        {
            sb.Append($" on {f.Path}");
        }

        if (f.Policy is not null)
        {
            sb.Append($" from policy {f.Policy}");
        }

        if (f.Action is not null)
        {
            sb.Append($" with action {f.Action}");
        }

        if (f.Signal is not null)
        {
            sb.Append($" ended by {f.Signal}");
        }

        if (f.Status is not null)
        {
            sb.Append($" exiting with status {f.Status}");
        }

        return sb.ToString();
    }

    private static string Advice(RuntimeCheck check, int count) => check.Expect == FlowExpectation.Exists
        ? count == 0
            ? check.Run is not null
                ? "The grader ran the command itself; look at what happened with `tetra getevents -o compact` in a second terminal while you run it too."
                : "Make it happen (kubectl exec ... in the pod), watching `tetra getevents -o compact` in a second terminal."
            : $"Only {count} of the {check.MinCount} events needed so far; do it again."
        : "These events should not happen; look at them with `tetra getevents -o compact`.";
}
