using LabSite.Grader.Results;

namespace LabSite.Web.Checks;

/// <summary>What the check panel shows: nothing checked yet, or the results of the last Check.</summary>
/// <param name="Results">The results in the step's check order; empty before the first Check.</param>
/// <param name="Problem">Why nothing could be checked (e.g. no cluster runs for this lab yet).</param>
/// <param name="Answers">The learner's answers by check id, echoed back into the answer boxes.</param>
public sealed record CheckPanelState(IReadOnlyList<CheckResult> Results, string? Problem, IReadOnlyDictionary<string, string> Answers)
{
    public static readonly CheckPanelState NotChecked = new([], null, new Dictionary<string, string>());

    public bool Checked => Results.Count > 0;

    public bool AllPassed => Checked && Results.All(r => r.Passed);

    /// <summary>Re-check in the background while the step is open and not passed (answer checks need the learner).</summary>
    public bool KeepPolling(bool hasOnlyAnswerChecks) => Checked && !AllPassed && Problem is null && !hasOnlyAnswerChecks;
}
