namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>The policy kinds this backend enforces, as Kubernetes spells them.</summary>
public static class PolicyKinds
{
    public const string Namespaced = "CiliumNetworkPolicy";
    public const string Clusterwide = "CiliumClusterwideNetworkPolicy";
    public const string Kubernetes = "NetworkPolicy";

    public static bool IsPolicy(string kind) => kind is Namespaced or Clusterwide or Kubernetes;
}
