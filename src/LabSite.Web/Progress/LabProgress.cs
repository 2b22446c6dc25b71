namespace LabSite.Web.Progress;

/// <summary>A learner's progress in one lab, as the pages show it. Empty for a lab never opened.</summary>
public sealed record LabProgress(string? CurrentStepId, IReadOnlyDictionary<string, StepProgress> Steps)
{
    public static readonly LabProgress None = new(null, new Dictionary<string, StepProgress>());

    public StepProgress Step(string stepId) => Steps.TryGetValue(stepId, out var s) ? s : StepProgress.None;

    public int CompletedCount => Steps.Values.Count(s => s.Completed);

    public bool Started => CurrentStepId is not null;
}

/// <summary>A learner's progress in one step.</summary>
public sealed record StepProgress(bool Visited, bool Completed, int HintsRevealed, bool SolutionShown)
{
    public static readonly StepProgress None = new(false, false, 0, false);
}
