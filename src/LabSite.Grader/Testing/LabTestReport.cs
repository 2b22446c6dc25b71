using LabSite.Grader.Results;

namespace LabSite.Grader.Testing;

/// <summary>One check's verdict in <c>labsite lab test</c>: how it ended before and after the step's solution.</summary>
/// <param name="Path">lab/step/check, e.g. <c>starwars/l3-l4/xwing-dropped</c>.</param>
/// <param name="Before">The result before the solution; null when not evaluated (<c>beforeSolution: any</c>).</param>
public sealed record CheckTestLine(string Path, bool Ok, CheckResult? Before, CheckResult After, string Summary)
{
    public override string ToString() => $"{(Ok ? "✓" : "✗")} {Path} {Summary}";
}

/// <summary>A step-level problem (a solution command that failed), reported beside the checks.</summary>
public sealed record StepTestProblem(string Path, string Message)
{
    public override string ToString() => $"✗ {Path}: {Message}";
}

/// <summary>Everything <c>labsite lab test</c> found for one lab.</summary>
public sealed record LabTestReport(string LabId, IReadOnlyList<CheckTestLine> Checks, IReadOnlyList<StepTestProblem> Problems)
{
    public bool Passed => Problems.Count == 0 && Checks.All(c => c.Ok);
}
