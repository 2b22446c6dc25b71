using LabSite.Clusters.Contract;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.Answer;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Testing;

/// <summary>
/// Proves a lab on a live cluster: for each step in order, evaluates its checks (each must fail, unless the author
/// marked it <c>beforeSolution: pass|any</c>), runs the step's solution blocks, and evaluates again (each must pass).
/// The cluster is the caller's: it must be fresh, and the caller destroys it.
/// </summary>
public sealed class LabTestRunner(CheckEvaluator evaluator, ISolutionRunner solutions, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// How often a check that fails after the solution is tried again, and how long to wait between tries: flows and
    /// map updates reach the grader a moment after the command that caused them returns.
    /// </summary>
    public int SettleAttempts { get; init; } = 5;

    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called with each line as soon as it is known, so a long run shows progress.</summary>
    public Action<string>? OnLine { get; init; }

    public async Task<LabTestReport> RunAsync(Lab lab, ILabCluster cluster, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(cluster);
        var labStarted = _clock.GetUtcNow();
        var lines = new List<CheckTestLine>();
        var problems = new List<StepTestProblem>();
        foreach (var step in lab.Steps)
        {
            var stepPath = $"{lab.Id}/{step.Id}";
            var context = new CheckContext(cluster, _clock.GetUtcNow(), labStarted);
            var before = new Dictionary<string, CheckResult>(StringComparer.Ordinal);
            foreach (var check in CheckEvaluator.EvaluationOrder(step.Checks).Where(c => c.BeforeSolution != BeforeSolution.Any))
            {
                before[check.Id] = await evaluator.EvaluateAsync(check, context, ct);
            }

            // The step's window restarts here: flows from the probes just run are the grader's, not the solution's.
            context = context with { StepStartedAt = _clock.GetUtcNow() };

            foreach (var block in step.Solution?.Commands ?? [])
            {
                var run = await solutions.RunAsync(cluster, block, ct);
                if (run.ExitCode != 0)
                {
                    Report(problems, new StepTestProblem(stepPath, $"solution block exited with {run.ExitCode}:\n  {block.Replace("\n", "\n  ", StringComparison.Ordinal)}\n{Indent(run.Output)}"));
                }
            }

            foreach (var check in CheckEvaluator.EvaluationOrder(step.Checks))
            {
                var after = await EvaluateAfterAsync(check, context, ct);
                var line = Judge($"{stepPath}/{check.Id}", check, before.GetValueOrDefault(check.Id), after);
                lines.Add(line);
                OnLine?.Invoke(line.ToString());
                if (!line.Ok)
                {
                    OnLine?.Invoke(Indent(Explain(line)));
                }
            }
        }
        return new LabTestReport(lab.Id, lines, problems);
    }

    private void Report(List<StepTestProblem> problems, StepTestProblem problem)
    {
        problems.Add(problem);
        OnLine?.Invoke(problem.ToString());
    }

    private async Task<CheckResult> EvaluateAfterAsync(CheckSpec check, CheckContext context, CancellationToken ct)
    {
        if (check is AnswerCheck answer)
        {
            // The runner answers as a learner who looked the value up correctly would.
            var (value, why) = await AnswerCheckEvaluator.RightAnswerAsync(answer, context, ct);
            if (value is null)
            {
                return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, "a readable answer", why ?? "no value", []);
            }
            context = context with { Answer = value };
        }
        var result = await evaluator.EvaluateAsync(check, context, ct);
        // A BGP session needs its connect timer (gobgp waits up to 5 s before its first try), so protocol checks get longer.
        var attempts = check is BgpPeerCheck or RouterRouteCheck ? SettleAttempts * 4 : SettleAttempts;
        for (var attempt = 1; attempt < attempts && !result.Passed; attempt++)
        {
            await Task.Delay(SettleDelay, _clock, ct);
            result = await evaluator.EvaluateAsync(check, context, ct);
        }
        return result;
    }

    internal static CheckTestLine Judge(string path, CheckSpec check, CheckResult? before, CheckResult after)
    {
        var beforeOk = check.BeforeSolution switch
        {
            BeforeSolution.Fail => before?.Outcome == CheckOutcome.Failed,
            BeforeSolution.Pass => before?.Outcome == CheckOutcome.Passed,
            _ => true,
        };
        var beforeText = before is null ? "not evaluated before" : $"{Word(before.Outcome)} before";
        var afterText = $"{Word(after.Outcome)} after";
        var ok = beforeOk && after.Passed;
        var summary = ok || beforeOk
            ? $"{beforeText}, {afterText}"
            : $"{beforeText} (expected it to {(check.BeforeSolution == BeforeSolution.Pass ? "pass" : "fail")}), {afterText}";
        return new CheckTestLine(path, ok, before, after, summary);
    }

    private static string Word(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "passed",
        CheckOutcome.Failed => "failed",
        _ => "could not be checked",
    };

    private static string Explain(CheckTestLine line)
    {
        var r = line.After.Passed && line.Before is not null ? line.Before : line.After;
        var parts = new List<string> { $"expected: {r.Expected}", $"observed: {r.Observed}" };
        parts.AddRange(r.Evidence.Select(e => "| " + e));
        return string.Join("\n", parts);
    }

    private static string Indent(string text) =>
        string.Join("\n", text.TrimEnd('\n').Split('\n').Select(l => "    " + l));
}
