using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Scenarios.Model.Checks;

/// <summary>Passes when a Kubernetes-style object exists, is absent, is Ready, or has a field with a given value.</summary>
/// <param name="Resource">The object's kind, one of <see cref="ObjectKinds.All"/>.</param>
/// <param name="Name">The object's name (exact).</param>
/// <param name="Namespace">The namespace; <c>default</c> when omitted; null for cluster-scoped kinds.</param>
/// <param name="Field">With <see cref="ObjectExpectation.FieldEquals"/>: a JSONPath-like path such as <c>.spec.replicas</c> or <c>.metadata.labels.org</c>.</param>
/// <param name="Value">With <see cref="ObjectExpectation.FieldEquals"/>: the field's expected value, compared as text.</param>
public sealed record ObjectCheck(
    string Id,
    string Title,
    SourceLocation Location,
    string Resource,
    string Name,
    string? Namespace,
    ObjectExpectation Expect,
    string? Field,
    string? Value) : CheckSpec(Id, Title, Location);

public enum ObjectExpectation
{
    Exists,
    Absent,

    /// <summary>Pods: condition Ready is True; Deployments: all replicas available; other kinds: exists.</summary>
    Ready,
    FieldEquals,
}

/// <summary>
/// The kinds an object check may name (what the lab-cluster contract lists), and whether they live in a namespace,
/// as the Contract's table of kinds says.
/// </summary>
public static class ObjectKinds
{
    private static readonly ResourceKind[] s_checkable =
    [
        ResourceKinds.Pod, ResourceKinds.Deployment, ResourceKinds.Service, ResourceKinds.Namespace,
        ResourceKinds.NetworkPolicy, ResourceKinds.CiliumNetworkPolicy, ResourceKinds.CiliumClusterwideNetworkPolicy,
        ResourceKinds.TracingPolicy, ResourceKinds.TracingPolicyNamespaced,
        ResourceKinds.Ingress, ResourceKinds.Gateway, ResourceKinds.HTTPRoute,
    ];

    public static readonly IReadOnlyDictionary<string, bool> Namespaced =
        s_checkable.ToDictionary(k => k.Kind, k => k.Namespaced, StringComparer.Ordinal);

    public static IEnumerable<string> All => s_checkable.Select(k => k.Kind);
}
