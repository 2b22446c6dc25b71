namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// A question the learner answers in the step: free text, or one of <see cref="Choices"/>.
/// The expected answer is a literal or a value read from the live cluster when the check runs.
/// </summary>
/// <param name="Question">The question shown above the answer box.</param>
/// <param name="Choices">For multiple choice: the options, in display order; empty for a free-text answer.</param>
/// <param name="CaseSensitive">Whether letter case matters (default false); surrounding spaces never matter.</param>
public sealed record AnswerCheck(
    string Id,
    string Title,
    SourceLocation Location,
    string Question,
    ExpectedAnswer Answer,
    IReadOnlyList<string> Choices,
    bool CaseSensitive) : CheckSpec(Id, Title, Location);

/// <summary>The expected answer: exactly one of <see cref="Literal"/> and <see cref="Live"/> is set.</summary>
public sealed record ExpectedAnswer(string? Literal, LiveValue? Live);

/// <summary>
/// A value looked up in the learner's cluster when the check runs, e.g. the numeric identity of pod tiefighter,
/// so questions about generated numbers still have one right answer.
/// </summary>
/// <param name="Pod">The pod, for pod values (identity, endpoint id, pod IP).</param>
/// <param name="Service">The service name, for <see cref="LiveValueKind.ServiceIp"/>.</param>
/// <param name="Namespace">The service's namespace (<c>default</c> when omitted).</param>
public sealed record LiveValue(LiveValueKind Kind, PodSelector? Pod, string? Service, string Namespace);

public enum LiveValueKind
{
    /// <summary>The pod's numeric security identity (e.g. 31028).</summary>
    Identity,

    /// <summary>The pod's endpoint id, as in <c>cilium-dbg endpoint list</c>.</summary>
    EndpointId,

    /// <summary>The pod's IPv4 address.</summary>
    PodIp,

    /// <summary>A service's ClusterIP.</summary>
    ServiceIp,
}
