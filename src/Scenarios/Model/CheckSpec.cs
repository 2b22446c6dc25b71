namespace LabSite.Scenarios.Model;

/// <summary>
/// A declarative check inside a step, parsed and validated by Scenarios and evaluated by the Grader.
/// Each kind of check is a subtype (flow, policy map, endpoint, object, probe, answer).
/// </summary>
public abstract record CheckSpec(string Id, string Title, SourceLocation Location);
