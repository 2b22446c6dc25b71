namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>A policy object turned into rules: one per CNP <c>spec</c>/<c>specs</c> entry, or one for a KNP.</summary>
public sealed record ParsedPolicy(PolicySource Source, IReadOnlyList<PolicyRule> Rules)
{
    /// <summary>Accepted values the API server warns about, e.g. a CIDR with bits set after its prefix.</summary>
    public IReadOnlyList<PolicyError> Warnings { get; init; } = [];
}
