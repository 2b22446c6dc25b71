using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.RuntimeSecurity.Policy;

/// <summary>
/// A parsed TracingPolicy or TracingPolicyNamespaced (cilium.io/v1alpha1), in the subset this kernel can enforce:
/// LSM hooks (<c>file_open</c>, <c>bprm_check_security</c>) with selectors on the binary and on the path.
/// <see cref="Namespace"/> is set for a TracingPolicyNamespaced, which applies to that namespace's pods only.
/// </summary>
public sealed record TracingPolicy(string Name, string? Namespace, LabelSelector? PodSelector, IReadOnlyList<TracingSelector> Selectors)
{
    /// <summary>True when the policy applies to some pods only (namespaced, or with a podSelector).</summary>
    public bool Scoped => Namespace is not null || PodSelector is not null;

    public bool AppliesTo(string podNamespace, IReadOnlyDictionary<string, string> podLabels) =>
        (Namespace is null || Namespace == podNamespace) && (PodSelector is null || PodSelector.Matches(podLabels));
}

/// <summary>
/// One selector of one hook: the paths (<c>matchArgs</c> on argument 0; empty = any), the binaries
/// (<c>matchBinaries</c>; empty = any), and the actions (<c>RuntimeCodes.Action*</c> bits, Post always included).
/// </summary>
public sealed record TracingSelector(uint Hook, IReadOnlyList<string> Paths, bool PathPrefix, IReadOnlyList<string> Binaries, bool BinaryPrefix, uint Actions, int Errno);
