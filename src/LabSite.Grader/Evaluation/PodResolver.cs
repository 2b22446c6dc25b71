using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation;

/// <summary>
/// Finds the pods and endpoints a <see cref="PodSelector"/> means. A name also matches the pods of a workload of that
/// name (<c>deathstar</c> matches <c>deathstar-6fb5694d48-5hmds</c>), as <c>hubble observe --pod</c> does.
/// </summary>
public static class PodResolver
{
    public static bool NameMatches(string selectorName, string podName) =>
        podName == selectorName || podName.StartsWith(selectorName + "-", StringComparison.Ordinal);

    /// <summary>Whether a pod with these labels (plain <c>key=value</c> or Cilium's <c>k8s:key=value</c>) is selected.</summary>
    public static bool Matches(PodSelector selector, string @namespace, string podName, IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (@namespace != selector.Namespace)
        {
            return false;
        }
        if (selector.Name is { } name)
        {
            return NameMatches(name, podName);
        }
        var have = labels.Select(StripSource).ToHashSet(StringComparer.Ordinal);
        return selector.Labels.All(l => have.Contains($"{l.Key}={l.Value}"));
    }

    /// <summary>The selected pods, sorted by name so evidence and messages are stable.</summary>
    public static async Task<IReadOnlyList<KubeObject>> PodsAsync(ILabCluster cluster, PodSelector selector, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(selector);
        var pods = await cluster.GetAsync(new ObjectQuery("pods", selector.Namespace), ct);
        return pods
            .Where(p => Matches(selector, p.Namespace ?? PodSelector.DefaultNamespace, p.Name, p.Labels.Select(l => $"{l.Key}={l.Value}")))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The selected pods' endpoints, sorted by pod name.</summary>
    public static async Task<IReadOnlyList<EndpointModel>> EndpointsAsync(IClusterInspector inspector, PodSelector selector, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        var endpoints = await inspector.GetEndpointsAsync(ct);
        return endpoints
            .Where(e => e.PodName.Length > 0 && Matches(selector, e.Namespace, e.PodName, e.Labels))
            .OrderBy(e => e.PodName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary><c>k8s:org=empire</c> → <c>org=empire</c>.</summary>
    public static string StripSource(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var equals = label.IndexOf('=', StringComparison.Ordinal);
        return colon >= 0 && (equals < 0 || colon < equals) ? label[(colon + 1)..] : label;
    }

    /// <summary>"no pod matches default/xwing (pods in default: deathstar-1, tiefighter)".</summary>
    public static async Task<string> NoneMatchAsync(ILabCluster cluster, PodSelector selector, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(selector);
        var all = await cluster.GetAsync(new ObjectQuery("pods", selector.Namespace), ct);
        var names = all.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0
            ? $"no pod matches {selector}: there are no pods in namespace {selector.Namespace}"
            : $"no pod matches {selector} (pods in {selector.Namespace}: {string.Join(", ", names)})";
    }
}
