namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when the flows matching <see cref="Filter"/> split across destinations as <see cref="Split"/> says, each
/// share within <see cref="Tolerance"/> percentage points, over at least <see cref="MinCount"/> flows in all: a
/// canary's 90/10, a load balancer's even spread. Each entry's count is <c>hubble observe</c> with the filter and
/// that entry's <c>--to-pod</c>/<c>--to-label</c>.
/// </summary>
public sealed record FlowRatioCheck(
    string Id,
    string Title,
    SourceLocation Location,
    FlowFilter Filter,
    IReadOnlyList<FlowShare> Split,
    int Tolerance,
    int MinCount,
    CheckWindow Window) : CheckSpec(Id, Title, Location);

/// <summary>One destination of a <see cref="FlowRatioCheck"/> and the percentage of the flows it should get.</summary>
public sealed record FlowShare(PodSelector To, int Share);
