namespace LabSite.Shell.Kubectl;

/// <summary>
/// A resource type as kubectl names it: <c>pods</c>/<c>pod</c>/<c>po</c>, and how <c>-o name</c> prints it
/// (<c>deployment.apps/x</c>). The lab shell's own table, so it stays backend-neutral.
/// </summary>
public sealed record ResourceKind(string Kind, string Plural, string Group, string Version, bool Namespaced, params string[] ShortNames)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>pod</c>, <c>deployment.apps</c>, <c>ciliumnetworkpolicy.cilium.io</c>: the prefix of <c>-o name</c>.</summary>
    public string NamePrefix => Group.Length == 0 ? Kind.ToLowerInvariant() : $"{Kind.ToLowerInvariant()}.{Group}";

    /// <summary><c>pods</c> or <c>deployments.apps</c>: how API errors name the resource.</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static readonly ResourceKind Pod = new("Pod", "pods", "", "v1", true, "po");
    public static readonly ResourceKind Service = new("Service", "services", "", "v1", true, "svc");
    public static readonly ResourceKind Endpoints = new("Endpoints", "endpoints", "", "v1", true, "ep");
    public static readonly ResourceKind Namespace = new("Namespace", "namespaces", "", "v1", false, "ns");
    public static readonly ResourceKind ConfigMap = new("ConfigMap", "configmaps", "", "v1", true, "cm");
    public static readonly ResourceKind Deployment = new("Deployment", "deployments", "apps", "v1", true, "deploy");
    public static readonly ResourceKind ReplicaSet = new("ReplicaSet", "replicasets", "apps", "v1", true, "rs");
    public static readonly ResourceKind DaemonSet = new("DaemonSet", "daemonsets", "apps", "v1", true, "ds");
    public static readonly ResourceKind NetworkPolicy = new("NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", true, "netpol");
    public static readonly ResourceKind CiliumNetworkPolicy = new("CiliumNetworkPolicy", "ciliumnetworkpolicies", "cilium.io", "v2", true, "cnp", "ciliumnp");
    public static readonly ResourceKind CiliumClusterwideNetworkPolicy = new("CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies", "cilium.io", "v2", false, "ccnp");

    public static IReadOnlyList<ResourceKind> All { get; } =
        [Pod, Service, Endpoints, Namespace, ConfigMap, Deployment, ReplicaSet, DaemonSet, NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy];

    /// <summary>What <c>kubectl get all</c> lists, in kubectl's order.</summary>
    public static IReadOnlyList<ResourceKind> AllCategory { get; } = [Pod, Service, DaemonSet, Deployment, ReplicaSet];

    /// <summary>Resolves <c>po</c>, <c>pods</c>, <c>Pod</c>, <c>deployments.apps</c> ...; null when unknown.</summary>
    public static ResourceKind? Resolve(string name)
    {
        var lower = name.ToLowerInvariant();
        foreach (var kind in All)
        {
            string[] names = [kind.Plural, kind.Kind.ToLowerInvariant(), .. kind.ShortNames];
            foreach (var candidate in names)
            {
                if (lower == candidate || (kind.Group.Length > 0 && (lower == $"{candidate}.{kind.Group}" || lower == $"{candidate}.{kind.Version}.{kind.Group}")))
                {
                    return kind;
                }
            }
        }
        return null;
    }

    /// <summary>The kind for an object read from the cluster (its <c>kind</c> field).</summary>
    public static ResourceKind? FromKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);
}
