namespace LabSite.Grader.Results;

/// <summary>How a check ended. <see cref="CannotCheck"/> is neither pass nor fail: the cluster lacks what it needs.</summary>
public enum CheckOutcome { Passed, Failed, CannotCheck }

/// <summary>
/// The grader's verdict on one check, in the learner's words: what it expected, what it observed, the evidence it
/// looked at (flow lines in Hubble's compact format, policy map rows as <c>bpf policy get</c> prints them, object
/// fields) and, when it failed, what to try next. Never a bare "check failed".
/// </summary>
public sealed record CheckResult(
    string CheckId,
    string Title,
    CheckOutcome Outcome,
    string Expected,
    string Observed,
    IReadOnlyList<string> Evidence,
    string? Hint = null)
{
    public bool Passed => Outcome == CheckOutcome.Passed;

    /// <summary>A one-line summary for the command line: <c>✓ id: observed</c>.</summary>
    public override string ToString() => $"{Symbol(Outcome)} {CheckId}: {Observed}";

    public static string Symbol(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "✓",
        CheckOutcome.Failed => "✗",
        _ => "?",
    };
}
