using LabSite.Clusters.Contract.Identity;

namespace LabSite.Clusters.Netns.Identity;

/// <summary>
/// Builds the security labels of a pod the way Cilium does: the pod's own labels (minus the ones Cilium ignores for
/// identity), plus namespace, service account, cluster and the namespace's labels, all under the <c>k8s:</c> source.
/// </summary>
public static class IdentityLabels
{
    public const string DefaultCluster = "default";

    // Cilium's default identity label filter excludes these key prefixes (identity-relevant-labels.rst);
    // app.kubernetes.io/* is kept because the match is anchored at the start of the key.
    private static readonly string[] s_ignoredKeyPrefixes =
    [
        "io.kubernetes", "kubernetes.io", "beta.kubernetes.io", "k8s.io", "pod-template-generation",
        "pod-template-hash", "controller-revision-hash", "annotation", "etcd_node",
    ];

    /// <summary>True when Cilium's default filter keeps <paramref name="key"/> in a pod's identity.</summary>
    public static bool IsIdentityRelevant(string key) =>
        !s_ignoredKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The full label set of a pod's identity.</summary>
    public static LabelSet ForPod(
        string @namespace,
        IReadOnlyDictionary<string, string> podLabels,
        string serviceAccount = "default",
        IReadOnlyDictionary<string, string>? namespaceLabels = null,
        string cluster = DefaultCluster)
    {
        var labels = new List<Label>
        {
            Label.K8s(Label.PodNamespaceKey, @namespace),
            Label.K8s(Label.ServiceAccountKey, serviceAccount),
            Label.K8s(Label.ClusterKey, cluster),
        };
        labels.AddRange(podLabels.Where(kv => IsIdentityRelevant(kv.Key)).Select(kv => Label.K8s(kv.Key, kv.Value)));
        // Kubernetes sets kubernetes.io/metadata.name on every namespace; Cilium lists it too.
        var nsLabels = new Dictionary<string, string>(namespaceLabels ?? new Dictionary<string, string>())
        {
            ["kubernetes.io/metadata.name"] = @namespace,
        };
        labels.AddRange(nsLabels.Select(kv => Label.K8s(Label.NamespaceLabelsPrefix + kv.Key, kv.Value)));
        return new LabelSet(labels);
    }

    /// <summary>The label set of a reserved identity: just <c>reserved:&lt;name&gt;</c>.</summary>
    public static LabelSet ForReserved(NumericIdentity id) =>
        new([Label.ReservedLabel(id.ReservedName ?? throw new ArgumentException($"identity {id} is not reserved", nameof(id)))]);
}
