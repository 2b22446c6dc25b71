namespace LabSite.Clusters.Contract.Kubernetes;

/// <summary>
/// One resource type as the API server describes it (its discovery entry or CRD names): the names kubectl accepts
/// for it and the spellings it prints (<c>deployment.apps/deathstar created</c>, <c>deployments.apps "x" not found</c>).
/// </summary>
public sealed record ResourceKind(
    string Kind,
    string Group,
    string Version,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames)
{
    /// <summary><c>v1</c> or <c>apps/v1</c>: what <c>apiVersion</c> must say.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>pod</c>, <c>deployment.apps</c>, <c>ciliumnetworkpolicy.cilium.io</c>: how result lines and <c>-o name</c> name the type.</summary>
    public string QualifiedSingular => Group.Length == 0 ? Singular : $"{Singular}.{Group}";

    /// <summary><c>pods</c>, <c>deployments.apps</c>: how API errors name the type.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
