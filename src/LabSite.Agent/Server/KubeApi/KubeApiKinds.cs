using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>The kinds a lab's Kubernetes API serves, and how discovery describes them.</summary>
internal static class KubeApiKinds
{
    /// <summary>
    /// The object store's kinds, then the kinds only discovery lists. DaemonSets are read-only in effect: the one a lab has
    /// is its Cilium agents' (<c>kube-system/cilium</c>), and the store refuses writes to it with a Forbidden.
    /// </summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [.. ResourceKinds.All, .. ResourceKinds.DiscoveryOnly];

    public static bool IsStored(ResourceKind kind) => !ResourceKinds.DiscoveryOnly.Contains(kind);

    /// <summary>Kinds the lab records itself (Events): read from the cluster like stored kinds, never written through the API.</summary>
    public static bool IsRecorded(ResourceKind kind) => kind == ResourceKinds.Event;

    /// <summary>Custom resources (Cilium's and the Gateway API's CRDs) take JSON merge patches, never strategic ones, as kube-apiserver's CRD handler.</summary>
    public static bool IsCustom(ResourceKind kind) => kind.Group is "cilium.io" or GatewayApiGroup;

    private const string GatewayApiGroup = "gateway.networking.k8s.io";

    /// <summary>Objects of these kinds come from the lab's controllers; the API only reads and deletes them.</summary>
    public static bool IsControllerOwned(ResourceKind kind) => kind == ResourceKinds.Endpoints || kind == ResourceKinds.ReplicaSet;

    public static IReadOnlyList<string> Verbs(ResourceKind kind) =>
        !IsStored(kind) ? ["get", "list", "watch"]
        : IsControllerOwned(kind) ? ["delete", "get", "list", "watch"]
        : ["create", "delete", "get", "list", "patch", "update", "watch"];

    public static IReadOnlyList<string> Categories(ResourceKind kind) =>
        ResourceKinds.AllCategory.Contains(kind) ? ["all"]
        : kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy ? ["cilium", "ciliumpolicy"]
        : kind == ResourceKinds.TracingPolicy || kind == ResourceKinds.TracingPolicyNamespaced ? []
        : kind.Group == GatewayApiGroup ? ["gateway-api"]
        : IsCustom(kind) ? ["cilium"]
        : [];

    /// <summary>Named groups in discovery order (by name), each with its versions, the preferred one first.</summary>
    public static IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups { get; } =
        All.Where(k => k.Group.Length > 0).GroupBy(k => k.Group).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(k => k.Version).Distinct().OrderBy(VersionPriority).ToList())).ToList();

    /// <summary>Kubernetes' version priority: GA before beta before alpha, higher numbers first (v2, v1, v1beta1, v1alpha1).</summary>
    private static (int Stability, int Major, int Minor) VersionPriority(string version)
    {
        var m = System.Text.RegularExpressions.Regex.Match(version, "^v([0-9]+)(?:(alpha|beta)([0-9]+))?$");
        var stability = m.Groups[2].Value switch { "" => 0, "beta" => 1, _ => 2 };
        return m.Success ? (stability, -int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            m.Groups[3].Success ? -int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0) : (3, 0, 0);
    }

    public static IEnumerable<ResourceKind> In(string group, string version) => All.Where(k => k.Group == group && k.Version == version);

    public static ResourceKind? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);
}
