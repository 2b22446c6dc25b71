namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when one of the learner's own eBPF programs (loaded with the lab shell's <c>bpf load</c>) is attached to a
/// selected pod, on <see cref="Hook"/> when given, with a map named <see cref="Map"/> whose values add up to at least
/// <see cref="AtLeast"/> when given (a packet counter that counted).
/// </summary>
/// <param name="Pod">The pod(s) the program must be attached to (a workload name matches its pods).</param>
/// <param name="Hook"><c>ingress</c>, <c>egress</c> (tc hooks of the pod's eth0) or <c>socket</c>; null means any.</param>
/// <param name="Map">A map of that program by name; null means no map is looked at.</param>
/// <param name="AtLeast">The least total of the map's values; null means the map only has to exist.</param>
public sealed record BpfProgramCheck(
    string Id,
    string Title,
    SourceLocation Location,
    PodSelector Pod,
    string? Hook,
    string? Map,
    int? AtLeast) : CheckSpec(Id, Title, Location);
