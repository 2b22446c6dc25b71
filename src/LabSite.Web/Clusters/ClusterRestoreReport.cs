using LabSite.Scenarios.Model;

namespace LabSite.Web.Clusters;

/// <summary>Why a learner's cluster had to be created again.</summary>
public enum RestoreReason
{
    /// <summary>The site deleted it after <see cref="LabClusterOptions.IdleTimeout"/> without use.</summary>
    Expired,

    /// <summary>It was simply not there: the lab agent restarted, or someone deleted it.</summary>
    NotRunning,
}

/// <summary>A solution block that failed while being replayed: the step, the block, its exit status and output.</summary>
public sealed record ReplayFailure(LabStep Step, string Command, int ExitCode, string Output);

/// <summary>
/// What a restore did: the learner's completed steps (in lab order), the ones whose solutions were replayed, and the
/// failure that stopped the replay, if any. Replay stops at the first failing block, because later steps build on
/// earlier ones and running them on a broken base would hide where it went wrong.
/// </summary>
public sealed record ClusterRestoreReport(
    string LabId,
    RestoreReason Reason,
    DateTimeOffset At,
    IReadOnlyList<LabStep> Completed,
    IReadOnlyList<LabStep> Replayed,
    IReadOnlyList<LabStep> Skipped,
    ReplayFailure? Failure)
{
    /// <summary>Completed steps the replay did not reach because an earlier one failed.</summary>
    public IReadOnlyList<LabStep> NotReplayed => Completed.Except(Replayed).ToList();

    public bool Succeeded => Failure is null;

    /// <summary>What happened, in a few sentences for the player's notice and the terminal.</summary>
    public string Summary
    {
        get
        {
            var why = Reason == RestoreReason.Expired
                ? "Your cluster had expired."
                : "Your cluster was no longer running (the lab agent restarted, or the cluster was deleted).";
            var parts = new List<string> { why };
            if (Completed.Count == 0)
            {
                parts.Add("A new one was created; you had completed no step yet, so nothing was replayed.");
            }
            else if (Failure is null)
            {
                parts.Add($"A new one was created and {Solutions(Replayed)} replayed; your own changes beyond those were not kept.");
            }
            else
            {
                var done = Replayed.Count == 0 ? "nothing was replayed before it" : $"the cluster has the {(Replayed.Count == 1 ? "solution" : "solutions")} of {StepText.List(Replayed)}";
                parts.Add($"A new one was created, but replaying the solution of {StepText.One(Failure.Step)} failed: `{FirstLine(Failure.Command)}` {(Failure.ExitCode >= 0 ? $"exited with {Failure.ExitCode}" : "did not complete")}.");
                parts.Add($"The replay stopped there: {done}; {StepText.List(NotReplayed)} {(NotReplayed.Count == 1 ? "was" : "were")} not replayed. Run those steps' commands yourself to continue.");
            }
            if (Skipped.Count > 0)
            {
                parts.Add($"{Capitalized(StepText.List(Skipped))} {(Skipped.Count == 1 ? "was" : "were")} not completed, so only the completed steps were replayed, in lab order.");
            }
            parts.Add("Files in your lab folder were kept.");
            return string.Join(" ", parts);
        }
    }

    /// <summary>"the solution of step 1 (deploy) was" or "the solutions of steps 1–2 (deploy, land) were".</summary>
    internal static string Solutions(IReadOnlyList<LabStep> steps) =>
        steps.Count == 1 ? $"the solution of {StepText.List(steps)} was" : $"the solutions of {StepText.List(steps)} were";

    private static string FirstLine(string command)
    {
        var lines = command.Trim().Split('\n');
        return lines.Length == 1 ? lines[0] : lines[0] + " …";
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>How steps are named to learners: by number (from 1) and id, e.g. "steps 1–3 (deploy, land, identities)".</summary>
public static class StepText
{
    public static string One(LabStep step) => $"step {step.Index + 1} ({step.Id})";

    /// <summary>"step 2 (land)", "steps 1–3 (a, b, c)", "steps 1, 3 and 4 (a, c, d)".</summary>
    public static string List(IReadOnlyList<LabStep> steps)
    {
        if (steps.Count <= 1)
        {
            return steps.Count == 0 ? "no step" : One(steps[0]);
        }
        var numbers = steps.Select(s => s.Index + 1).ToList();
        var contiguous = numbers.Zip(numbers.Skip(1)).All(p => p.Second == p.First + 1);
        var range = contiguous
            ? $"{numbers[0]}–{numbers[^1]}"
            : string.Join(", ", numbers.Take(numbers.Count - 1)) + " and " + numbers[^1];
        return $"steps {range} ({string.Join(", ", steps.Select(s => s.Id))})";
    }
}
