namespace LabSite.Scenarios.Model;

/// <summary>
/// A declarative check inside a step, parsed and validated by Scenarios and evaluated by the Grader.
/// Each kind of check is a subtype in <c>Model/Checks/</c> (flow, policy map, endpoint, object, probe, answer).
/// </summary>
public abstract record CheckSpec(string Id, string Title, SourceLocation Location)
{
    /// <summary>What to tell the learner when the check fails (Markdown-free text); null lets the grader explain alone.</summary>
    public string? OnFail { get; init; }
}
