namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Which pods a check talks about: by name or by labels, in one namespace.
/// Written in a check as <c>tiefighter</c>, <c>default/tiefighter</c>, <c>{pod: tiefighter}</c>
/// or <c>{labels: {org: empire}, namespace: default}</c>.
/// </summary>
/// <param name="Namespace">The pods' namespace; <c>default</c> when omitted, as with kubectl and hubble.</param>
/// <param name="Name">
/// A pod name, or the name of the workload whose pods are meant: <c>deathstar</c> also matches
/// <c>deathstar-6fb5694d48-5hmds</c> (a name followed by <c>-</c>), like <c>hubble observe --pod</c>. Null when selecting by labels.
/// </param>
/// <param name="Labels">Labels every selected pod carries (a subset match); empty when selecting by name.</param>
public sealed record PodSelector(string Namespace, string? Name, IReadOnlyDictionary<string, string> Labels)
{
    public const string DefaultNamespace = "default";

    public static PodSelector ByName(string name, string @namespace = DefaultNamespace) =>
        new(@namespace, name, new Dictionary<string, string>());

    public static PodSelector ByLabels(IReadOnlyDictionary<string, string> labels, string @namespace = DefaultNamespace) =>
        new(@namespace, null, labels);

    /// <summary>Same namespace, name and labels (compared by content, not by dictionary instance).</summary>
    public bool Equals(PodSelector? other) =>
        other is not null
        && Namespace == other.Namespace
        && Name == other.Name
        && Labels.Count == other.Labels.Count
        && Labels.All(l => other.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    public override int GetHashCode() =>
        HashCode.Combine(Namespace, Name, Labels.Count);

    /// <summary>Reads like an author would write it: <c>default/tiefighter</c> or <c>default/{org=empire}</c>.</summary>
    public override string ToString() =>
        Name is not null
            ? $"{Namespace}/{Name}"
            : $"{Namespace}/{{{string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}"))}}}";
}
