namespace LabSite.Scenarios.Model;

/// <summary>
/// A declarative check inside a step, parsed and validated by Scenarios and evaluated by the Grader.
/// Each kind of check is a subtype in <c>Model/Checks/</c> (flow, policy map, endpoint, object, probe, answer, metric).
/// </summary>
public abstract record CheckSpec(string Id, string Title, SourceLocation Location)
{
    /// <summary>What to tell the learner when the check fails (Markdown-free text); null lets the grader explain alone.</summary>
    public string? OnFail { get; init; }

    /// <summary>
    /// What <c>labsite lab test</c> requires of this check before the step's solution runs (key <c>beforeSolution</c>):
    /// by default it must fail, so no check passes without the learner's work; answer checks with a literal answer
    /// are exempt (<see cref="BeforeSolution.Any"/>). Authors mark checks that hold already (state from earlier steps).
    /// </summary>
    public BeforeSolution BeforeSolution { get; init; } = BeforeSolution.Fail;

    /// <summary>
    /// In a Cluster Mesh lab (front matter <c>clusters:</c>), the cluster the check looks at by its cluster name (key
    /// <c>cluster</c>); null for the lab's own (first) cluster.
    /// </summary>
    public string? Cluster { get; init; }

    /// <summary>The default when the author writes nothing: <see cref="BeforeSolution.Any"/> for literal answers, else Fail.</summary>
    public static BeforeSolution DefaultBeforeSolution(CheckSpec check) =>
        check is Checks.AnswerCheck { Answer.Literal: not null } ? BeforeSolution.Any : BeforeSolution.Fail;
}

/// <summary>What <c>labsite lab test</c> requires of a check before the step's solution runs.</summary>
public enum BeforeSolution
{
    /// <summary>It must fail (the default): the learner's work is what makes it pass.</summary>
    Fail,

    /// <summary>It must pass already, e.g. state built by an earlier step that this step inspects.</summary>
    Pass,

    /// <summary>Not looked at before the solution.</summary>
    Any,
}
