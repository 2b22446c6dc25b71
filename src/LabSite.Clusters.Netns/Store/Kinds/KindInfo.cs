namespace LabSite.Clusters.Netns.Store.Kinds;

/// <summary>
/// One resource type the store knows, with the names kubectl accepts for it and the spelling it prints:
/// <c>deployment.apps/deathstar created</c> uses <see cref="QualifiedSingular"/>.
/// </summary>
public sealed record KindInfo(
    string Kind,
    string Group,
    string Version,
    string Plural,
    bool Namespaced,
    IReadOnlyList<string> ShortNames)
{
    /// <summary><c>v1</c> or <c>apps/v1</c>: what <c>apiVersion</c> must say.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string Singular => Kind.ToLowerInvariant();

    /// <summary>How kubectl names the type in result lines: <c>pod</c>, <c>deployment.apps</c>, <c>ciliumnetworkpolicy.cilium.io</c>.</summary>
    public string QualifiedSingular => Group.Length == 0 ? Singular : $"{Singular}.{Group}";

    /// <summary>How API errors name the type: <c>pods</c>, <c>deployments.apps</c>.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
