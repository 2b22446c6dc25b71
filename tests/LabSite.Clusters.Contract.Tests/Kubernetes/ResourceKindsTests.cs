using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Contract.Tests.Kubernetes;

/// <summary>The one table of kinds: every spelling kubectl accepts, and the names it prints.</summary>
public class ResourceKindsTests
{
    [Theory]
    [InlineData("po")]
    [InlineData("pod")]
    [InlineData("pods")]
    [InlineData("Pod")]
    [InlineData("PODS")]
    [InlineData("pods.v1")]
    [InlineData(" pods ")]
    public void Pod_aliases_resolve(string alias) => Assert.Same(ResourceKinds.Pod, ResourceKinds.Resolve(alias));

    [Theory]
    [InlineData("deploy", "Deployment")]
    [InlineData("deployment", "Deployment")]
    [InlineData("deployments.apps", "Deployment")]
    [InlineData("deployments.v1.apps", "Deployment")]
    [InlineData("svc", "Service")]
    [InlineData("ns", "Namespace")]
    [InlineData("cm", "ConfigMap")]
    [InlineData("ep", "Endpoints")]
    [InlineData("endpoints", "Endpoints")]
    [InlineData("ds", "DaemonSet")]
    [InlineData("cnp", "CiliumNetworkPolicy")]
    [InlineData("ciliumnp", "CiliumNetworkPolicy")]
    [InlineData("ciliumnetworkpolicies.cilium.io", "CiliumNetworkPolicy")]
    [InlineData("cnp.v2.cilium.io", "CiliumNetworkPolicy")]
    [InlineData("ccnp", "CiliumClusterwideNetworkPolicy")]
    [InlineData("netpol", "NetworkPolicy")]
    [InlineData("networkpolicies.networking.k8s.io", "NetworkPolicy")]
    [InlineData("rs", "ReplicaSet")]
    public void Kind_aliases_resolve(string alias, string kind) => Assert.Equal(kind, ResourceKinds.Resolve(alias)?.Kind);

    [Theory]
    [InlineData("deathstars")]
    [InlineData("pods.apps")]
    [InlineData("")]
    public void Unknown_names_do_not_resolve(string alias) => Assert.Null(ResourceKinds.Resolve(alias));

    [Fact]
    public void No_two_kinds_share_a_name()
    {
        var names = ResourceKinds.All.SelectMany(k => new[] { k.Kind.ToLowerInvariant(), k.Singular, k.Plural }.Distinct().Concat(k.ShortNames)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory]
    [InlineData("Pod", "v1", "pod", "pods")]
    [InlineData("Endpoints", "v1", "endpoints", "endpoints")]
    [InlineData("Deployment", "apps/v1", "deployment.apps", "deployments.apps")]
    [InlineData("CiliumNetworkPolicy", "cilium.io/v2", "ciliumnetworkpolicy.cilium.io", "ciliumnetworkpolicies.cilium.io")]
    public void Names_kubectl_prints(string kind, string apiVersion, string qualifiedSingular, string qualifiedPlural)
    {
        var info = ResourceKinds.FromKind(kind)!;
        Assert.Equal(apiVersion, info.ApiVersion);
        Assert.Equal(qualifiedSingular, info.QualifiedSingular);
        Assert.Equal(qualifiedPlural, info.QualifiedPlural);
    }

    [Fact]
    public void Manifests_need_the_exact_apiVersion_and_kind()
    {
        Assert.Same(ResourceKinds.Deployment, ResourceKinds.FromManifest("apps/v1", "Deployment"));
        Assert.Same(ResourceKinds.CiliumClusterwideNetworkPolicy, ResourceKinds.FromManifest("cilium.io/v2", "CiliumClusterwideNetworkPolicy"));
        Assert.Null(ResourceKinds.FromManifest("v1", "Deployment"));
        Assert.Null(ResourceKinds.FromManifest("apps/v1", "deployment"));
    }

    [Fact]
    public void Cluster_scoped_kinds_are_not_namespaced()
    {
        var clusterScoped = ResourceKinds.All.Where(k => !k.Namespaced).Select(k => k.Kind);
        Assert.Equal(["Namespace", "Node", "CiliumClusterwideNetworkPolicy", "TracingPolicy", "CiliumBGPClusterConfig", "CiliumBGPPeerConfig", "CiliumBGPAdvertisement", "CiliumLoadBalancerIPPool",
            "IngressClass", "GatewayClass"], clusterScoped);
    }

    [Fact]
    public void Get_all_lists_kubectls_all_category_in_order() =>
        Assert.Equal(["Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet"], ResourceKinds.AllCategory.Select(k => k.Kind));

    [Theory]
    [InlineData("cbgpcluster", "CiliumBGPClusterConfig")]
    [InlineData("cbgppeer", "CiliumBGPPeerConfig")]
    [InlineData("cbgpadvert", "CiliumBGPAdvertisement")]
    [InlineData("ippools", "CiliumLoadBalancerIPPool")]
    [InlineData("ciliumloadbalancerippools.cilium.io", "CiliumLoadBalancerIPPool")]
    public void Bgp_and_lb_ipam_kinds_resolve_by_ciliums_short_names(string name, string kind) =>
        Assert.Equal(kind, ResourceKinds.Resolve(name)?.Kind);

    [Theory]
    [InlineData("ing", "Ingress")]
    [InlineData("ingresses.networking.k8s.io", "Ingress")]
    [InlineData("gtw", "Gateway")]
    [InlineData("gc", "GatewayClass")]
    [InlineData("httproutes.gateway.networking.k8s.io", "HTTPRoute")]
    [InlineData("refgrant", "ReferenceGrant")]
    public void Ingress_and_gateway_api_kinds_resolve_by_their_short_names(string name, string kind) =>
        Assert.Equal(kind, ResourceKinds.Resolve(name)?.Kind);
}
