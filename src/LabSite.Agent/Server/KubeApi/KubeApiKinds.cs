using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>The kinds a lab's Kubernetes API serves, and how discovery describes them.</summary>
internal static class KubeApiKinds
{
    /// <summary>The object store's kinds (DaemonSets have no controller in a lab), then the kinds only discovery lists.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
        [.. ResourceKinds.All.Where(k => k != ResourceKinds.DaemonSet), .. ResourceKinds.DiscoveryOnly];

    public static bool IsStored(ResourceKind kind) => !ResourceKinds.DiscoveryOnly.Contains(kind);

    /// <summary>Kinds the lab records itself (Events): read from the cluster like stored kinds, never written through the API.</summary>
    public static bool IsRecorded(ResourceKind kind) => kind == ResourceKinds.Event;

    /// <summary>Custom resources (Cilium's CRDs) take JSON merge patches, never strategic ones, as kube-apiserver's CRD handler.</summary>
    public static bool IsCustom(ResourceKind kind) => kind.Group == "cilium.io";

    /// <summary>Objects of these kinds come from the lab's controllers; the API only reads and deletes them.</summary>
    public static bool IsControllerOwned(ResourceKind kind) => kind == ResourceKinds.Endpoints || kind == ResourceKinds.ReplicaSet;

    public static IReadOnlyList<string> Verbs(ResourceKind kind) =>
        !IsStored(kind) ? ["get", "list", "watch"]
        : IsControllerOwned(kind) ? ["delete", "get", "list", "watch"]
        : ["create", "delete", "get", "list", "patch", "update", "watch"];

    public static IReadOnlyList<string> Categories(ResourceKind kind) =>
        ResourceKinds.AllCategory.Contains(kind) ? ["all"]
        : kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy ? ["cilium", "ciliumpolicy"]
        : IsCustom(kind) ? ["cilium"]
        : [];

    /// <summary>Group/versions in discovery order: the core group first, then by group name.</summary>
    public static IReadOnlyList<(string Group, string Version)> GroupVersions { get; } =
        All.Where(k => k.Group.Length > 0).Select(k => (k.Group, k.Version)).Distinct().OrderBy(gv => gv.Group, StringComparer.Ordinal).ToList();

    public static IEnumerable<ResourceKind> In(string group, string version) => All.Where(k => k.Group == group && k.Version == version);

    public static ResourceKind? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);
}
