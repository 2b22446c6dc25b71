namespace LabSite.Clusters.Contract.Kubernetes;

/// <summary>
/// The resource types a lab knows, with the names and short names a real cluster gives them
/// (Kubernetes discovery for built-in kinds, Cilium's CRDs for <c>cnp</c>/<c>ciliumnp</c> and <c>ccnp</c>),
/// and every spelling kubectl resolves to them (<c>po</c>, <c>Pod</c>, <c>pods.v1</c>, <c>deployments.apps</c> ...).
/// </summary>
public static class ResourceKinds
{
    public static readonly ResourceKind Pod = new("Pod", "", "v1", "pods", "pod", true, ["po"]);
    public static readonly ResourceKind Service = new("Service", "", "v1", "services", "service", true, ["svc"]);
    public static readonly ResourceKind Endpoints = new("Endpoints", "", "v1", "endpoints", "endpoints", true, ["ep"]);
    public static readonly ResourceKind Namespace = new("Namespace", "", "v1", "namespaces", "namespace", false, ["ns"]);
    public static readonly ResourceKind Node = new("Node", "", "v1", "nodes", "node", false, ["no"]);
    public static readonly ResourceKind ConfigMap = new("ConfigMap", "", "v1", "configmaps", "configmap", true, ["cm"]);
    public static readonly ResourceKind Secret = new("Secret", "", "v1", "secrets", "secret", true, []);
    public static readonly ResourceKind Deployment = new("Deployment", "apps", "v1", "deployments", "deployment", true, ["deploy"]);
    public static readonly ResourceKind ReplicaSet = new("ReplicaSet", "apps", "v1", "replicasets", "replicaset", true, ["rs"]);
    public static readonly ResourceKind DaemonSet = new("DaemonSet", "apps", "v1", "daemonsets", "daemonset", true, ["ds"]);
    public static readonly ResourceKind NetworkPolicy = new("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", "networkpolicy", true, ["netpol"]);
    public static readonly ResourceKind CiliumNetworkPolicy = new("CiliumNetworkPolicy", "cilium.io", "v2", "ciliumnetworkpolicies", "ciliumnetworkpolicy", true, ["cnp", "ciliumnp"]);
    public static readonly ResourceKind CiliumClusterwideNetworkPolicy = new("CiliumClusterwideNetworkPolicy", "cilium.io", "v2", "ciliumclusterwidenetworkpolicies", "ciliumclusterwidenetworkpolicy", false, ["ccnp"]);

    // Tetragon's CRDs (runtime security); its CRDs declare no short names.
    public static readonly ResourceKind TracingPolicy = new("TracingPolicy", "cilium.io", "v1alpha1", "tracingpolicies", "tracingpolicy", false, []);
    public static readonly ResourceKind TracingPolicyNamespaced = new("TracingPolicyNamespaced", "cilium.io", "v1alpha1", "tracingpoliciesnamespaced", "tracingpolicynamespaced", true, []);

    // Cilium's BGP control plane (v2) and LB-IPAM CRDs, all cluster-scoped, with their CRDs' short names.
    public static readonly ResourceKind CiliumBGPClusterConfig = new("CiliumBGPClusterConfig", "cilium.io", "v2", "ciliumbgpclusterconfigs", "ciliumbgpclusterconfig", false, ["cbgpcluster"]);
    public static readonly ResourceKind CiliumBGPPeerConfig = new("CiliumBGPPeerConfig", "cilium.io", "v2", "ciliumbgppeerconfigs", "ciliumbgppeerconfig", false, ["cbgppeer"]);
    public static readonly ResourceKind CiliumBGPAdvertisement = new("CiliumBGPAdvertisement", "cilium.io", "v2", "ciliumbgpadvertisements", "ciliumbgpadvertisement", false, ["cbgpadvert"]);
    public static readonly ResourceKind CiliumLoadBalancerIPPool = new("CiliumLoadBalancerIPPool", "cilium.io", "v2", "ciliumloadbalancerippools", "ciliumloadbalancerippool", false, ["ippools", "ippool", "lbippool", "lbippools"]);

    // Ingress (networking.k8s.io) and the Gateway API's CRDs that Cilium implements, with their short names.
    public static readonly ResourceKind Ingress = new("Ingress", "networking.k8s.io", "v1", "ingresses", "ingress", true, ["ing"]);
    public static readonly ResourceKind IngressClass = new("IngressClass", "networking.k8s.io", "v1", "ingressclasses", "ingressclass", false, []);
    public static readonly ResourceKind GatewayClass = new("GatewayClass", "gateway.networking.k8s.io", "v1", "gatewayclasses", "gatewayclass", false, ["gc"]);
    public static readonly ResourceKind Gateway = new("Gateway", "gateway.networking.k8s.io", "v1", "gateways", "gateway", true, ["gtw"]);
    public static readonly ResourceKind HTTPRoute = new("HTTPRoute", "gateway.networking.k8s.io", "v1", "httproutes", "httproute", true, []);
    public static readonly ResourceKind ReferenceGrant = new("ReferenceGrant", "gateway.networking.k8s.io", "v1beta1", "referencegrants", "referencegrant", true, ["refgrant"]);

    // Kinds a lab's Kubernetes API lists in discovery, which the object store does not hold (their lists are empty).
    public static readonly ResourceKind ServiceAccount = new("ServiceAccount", "", "v1", "serviceaccounts", "serviceaccount", true, ["sa"]);
    public static readonly ResourceKind Event = new("Event", "", "v1", "events", "event", true, ["ev"]);
    public static readonly ResourceKind EndpointSlice = new("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", "endpointslice", true, []);
    public static readonly ResourceKind CiliumEndpoint = new("CiliumEndpoint", "cilium.io", "v2", "ciliumendpoints", "ciliumendpoint", true, ["cep", "ciliumep"]);
    public static readonly ResourceKind CiliumIdentity = new("CiliumIdentity", "cilium.io", "v2", "ciliumidentities", "ciliumidentity", false, ["ciliumid"]);
    public static readonly ResourceKind CiliumNode = new("CiliumNode", "cilium.io", "v2", "ciliumnodes", "ciliumnode", false, ["cn", "ciliumn"]);

    /// <summary>Kinds only discovery names (see above), in the order <c>kubectl api-resources</c> groups them.</summary>
    public static IReadOnlyList<ResourceKind> DiscoveryOnly { get; } = [ServiceAccount, Event, EndpointSlice, CiliumEndpoint, CiliumIdentity, CiliumNode];

    /// <summary>Every kind, in the order completion offers them.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
        [Pod, Service, Endpoints, Namespace, Node, ConfigMap, Secret, Deployment, ReplicaSet, DaemonSet, NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy,
            TracingPolicy, TracingPolicyNamespaced, CiliumBGPClusterConfig, CiliumBGPPeerConfig, CiliumBGPAdvertisement, CiliumLoadBalancerIPPool,
            Ingress, IngressClass, GatewayClass, Gateway, HTTPRoute, ReferenceGrant];

    /// <summary>The kinds the lab's ingress controller follows (besides Services and Endpoints).</summary>
    public static IReadOnlyList<ResourceKind> IngressRouting { get; } = [Ingress, IngressClass, GatewayClass, Gateway, HTTPRoute, ReferenceGrant];

    /// <summary>The BGP control plane's kinds: a change to any of them (or to a Service) reconfigures the lab's speaker.</summary>
    public static IReadOnlyList<ResourceKind> Bgp { get; } = [CiliumBGPClusterConfig, CiliumBGPPeerConfig, CiliumBGPAdvertisement];

    /// <summary>What <c>kubectl get all</c> lists (the <c>all</c> category of these kinds), in kubectl's order.</summary>
    public static IReadOnlyList<ResourceKind> AllCategory { get; } = [Pod, Service, DaemonSet, Deployment, ReplicaSet];

    private static readonly Dictionary<string, ResourceKind> s_byName = BuildNames();

    private static Dictionary<string, ResourceKind> BuildNames()
    {
        var names = new Dictionary<string, ResourceKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in All)
        {
            IEnumerable<string> bare = [kind.Kind, kind.Singular, kind.Plural, .. kind.ShortNames];
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
    public static ResourceKind? Resolve(string name) => s_byName.GetValueOrDefault(name.Trim());

    /// <summary>Resolves a manifest's <c>apiVersion</c> + <c>kind</c> (both exact, as the API server requires).</summary>
    public static ResourceKind? FromManifest(string apiVersion, string kind) =>
        All.FirstOrDefault(k => k.Kind == kind && k.ApiVersion == apiVersion);

    /// <summary>The kind of an object read from the cluster (its <c>kind</c> field); null when unknown.</summary>
    public static ResourceKind? FromKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);
}
