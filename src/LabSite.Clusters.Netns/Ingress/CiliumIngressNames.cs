using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Ingress;

/// <summary>
/// The names Cilium's ingress and Gateway API controllers use (operator/pkg/ingress, operator/pkg/gateway-api): the
/// class they serve, the LoadBalancer Service each Ingress or Gateway gets, and the labels that mark those Services.
/// </summary>
internal static class CiliumIngressNames
{
    public const string IngressClassName = "cilium";
    public const string IngressController = "cilium.io/ingress-controller";
    public const string GatewayController = "io.cilium/gateway-controller";

    /// <summary><c>dedicated</c> (the default: one Service per Ingress) or <c>shared</c> (one Service for all).</summary>
    public const string LoadBalancerModeAnnotation = "ingress.cilium.io/loadbalancer-mode";

    /// <summary>Label on every Ingress Service (Cilium's <c>cilium.io/ingress</c>).</summary>
    public const string IngressServiceLabel = "cilium.io/ingress";

    /// <summary>Label on a Gateway's Service naming its Gateway.</summary>
    public const string GatewayServiceLabel = "io.cilium.gateway/owning-gateway";

    /// <summary>The shared mode's one Service, in Cilium's namespace (kube-system in a lab).</summary>
    public const string SharedNamespace = "kube-system";
    public const string SharedServiceName = "cilium-ingress";

    public static string IngressServiceName(string ingress) => Shorten($"cilium-ingress-{ingress}");

    public static string GatewayServiceName(string gateway) => Shorten($"cilium-gateway-{gateway}");

    /// <summary>Whether Cilium's ingress controller serves this Ingress: <c>ingressClassName: cilium</c> or the legacy class annotation.</summary>
    public static bool IsCiliumIngress(JsonObject ingress) =>
        (string?)ingress["spec"]?["ingressClassName"] == IngressClassName
        || (ingress["spec"]?["ingressClassName"] is null && (string?)ingress["metadata"]?["annotations"]?["kubernetes.io/ingress.class"] == IngressClassName);

    public static bool IsShared(JsonObject ingress) =>
        (string?)ingress["metadata"]?["annotations"]?[LoadBalancerModeAnnotation] == "shared";

    /// <summary>Service names are DNS-1035 labels (63 characters); a long owner name is cut, as Cilium shortens it.</summary>
    private static string Shorten(string name) => name.Length <= 63 ? name : name[..63].TrimEnd('-');
}
