using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store.Kinds;

/// <summary>
/// The kinds the netns store serves: every <see cref="ResourceKinds"/> entry. Names of other kinds get kubectl's
/// "doesn't have a resource type". DaemonSets are served but not user-managed: the only one is the lab's Cilium
/// agent DaemonSet (<c>Controllers/CiliumAgentPods</c>), since the lab has no DaemonSet controller for others.
/// </summary>
public static class ServedKinds
{
    public static IReadOnlyList<ResourceKind> All { get; } = ResourceKinds.All;

    /// <summary>Kinds a manifest may create; Endpoints and ReplicaSets are owned by the store's controllers, Nodes and the agents' DaemonSet by the cluster.</summary>
    public static bool IsUserManaged(ResourceKind kind) =>
        kind != ResourceKinds.Endpoints && kind != ResourceKinds.ReplicaSet && kind != ResourceKinds.Node && kind != ResourceKinds.DaemonSet;

    /// <summary>Resolves what a user typed after <c>kubectl get</c>; null when unknown or not served.</summary>
    public static ResourceKind? Resolve(string name) => Served(ResourceKinds.Resolve(name));

    /// <summary>Resolves a manifest's <c>apiVersion</c> + <c>kind</c>; null when unknown or not served.</summary>
    public static ResourceKind? FromManifest(string apiVersion, string kind) => Served(ResourceKinds.FromManifest(apiVersion, kind));

    /// <summary>The served kind named by a stored object's key.</summary>
    public static ResourceKind Of(ObjectKey key) => All.First(k => k.Kind == key.Kind);

    private static ResourceKind? Served(ResourceKind? kind) => kind is not null && All.Contains(kind) ? kind : null;
}
