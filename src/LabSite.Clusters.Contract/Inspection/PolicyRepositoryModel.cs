namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// Cilium's <c>models.Policy</c>, what <c>GET /policy</c> answers and <c>cilium-dbg policy get</c> prints:
/// <see cref="Policy"/> is the rule list as JSON text (Go's MarshalIndent of <c>api.Rules</c>, two-space indent,
/// selectors with their label sources, each rule with its <c>io.cilium.k8s.policy.*</c> labels) and
/// <see cref="Revision"/> the repository's revision, raised by every policy change.
/// </summary>
public sealed record PolicyRepositoryModel(string Policy, long Revision)
{
    /// <summary>The text form: the rules, then <c>Revision: N</c> (cilium-dbg/cmd/policy_get.go).</summary>
    public string ToText() => $"{Policy}\nRevision: {Revision}\n";
}
