namespace LabSite.Clusters.Netns.Store.Kinds;

/// <summary>
/// The resource types a lab cluster serves and every name kubectl resolves to them
/// (<c>po</c>, <c>pods</c>, <c>pod</c>, <c>Pod</c>, <c>pods.v1</c>, <c>deploy</c>, <c>deployments.apps</c>, <c>cnp</c> ...).
/// </summary>
public static class KindRegistry
{
    public static readonly KindInfo Namespace = new("Namespace", "", "v1", "namespaces", false, ["ns"]);
    public static readonly KindInfo Pod = new("Pod", "", "v1", "pods", true, ["po"]);
    public static readonly KindInfo Service = new("Service", "", "v1", "services", true, ["svc"]);
    public static readonly KindInfo Endpoints = new("Endpoints", "", "v1", "endpoints", true, ["ep"]);
    public static readonly KindInfo ConfigMap = new("ConfigMap", "", "v1", "configmaps", true, ["cm"]);
    public static readonly KindInfo Deployment = new("Deployment", "apps", "v1", "deployments", true, ["deploy"]);
    public static readonly KindInfo ReplicaSet = new("ReplicaSet", "apps", "v1", "replicasets", true, ["rs"]);
    public static readonly KindInfo NetworkPolicy = new("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true, ["netpol"]);
    public static readonly KindInfo CiliumNetworkPolicy = new("CiliumNetworkPolicy", "cilium.io", "v2", "ciliumnetworkpolicies", true, ["cnp", "ciliumnp"]);
    public static readonly KindInfo CiliumClusterwideNetworkPolicy = new("CiliumClusterwideNetworkPolicy", "cilium.io", "v2", "ciliumclusterwidenetworkpolicies", false, ["ccnp"]);

    public static IReadOnlyList<KindInfo> All { get; } =
        [Namespace, Pod, Service, Endpoints, ConfigMap, Deployment, ReplicaSet, NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy];

    /// <summary>Kinds a manifest may create; Endpoints and ReplicaSets are owned by the store's controllers.</summary>
    public static bool IsUserManaged(KindInfo kind) => kind != Endpoints && kind != ReplicaSet;

    private static readonly Dictionary<string, KindInfo> s_byName = BuildNames();

    private static Dictionary<string, KindInfo> BuildNames()
    {
        var names = new Dictionary<string, KindInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in All)
        {
            IEnumerable<string> bare = [kind.Kind, kind.Plural, .. kind.ShortNames];
            foreach (var name in bare)
            {
                names[name] = kind;
                names[$"{name}.{kind.Group}".TrimEnd('.')] = kind;
                names[$"{name}.{kind.Version}.{kind.Group}".TrimEnd('.')] = kind;
            }
        }
        return names;
    }

    /// <summary>Resolves what a user typed after <c>kubectl get</c>; null when unknown.</summary>
    public static KindInfo? Resolve(string name) => s_byName.GetValueOrDefault(name.Trim());

    /// <summary>Resolves a manifest's <c>apiVersion</c> + <c>kind</c> (both exact, as the API server requires).</summary>
    public static KindInfo? FromManifest(string apiVersion, string kind) =>
        All.FirstOrDefault(k => k.Kind == kind && k.ApiVersion == apiVersion);
}
