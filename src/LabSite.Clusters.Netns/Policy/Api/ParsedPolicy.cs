namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>A policy object turned into rules: one per CNP <c>spec</c>/<c>specs</c> entry, or one for a KNP.</summary>
public sealed record ParsedPolicy(PolicySource Source, IReadOnlyList<PolicyRule> Rules);
