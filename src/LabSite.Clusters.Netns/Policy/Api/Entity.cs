using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// A policy entity (<c>fromEntities</c>/<c>toEntities</c>) and the selectors it stands for, as Cilium's
/// pkg/policy/api/entity.go defines them over reserved labels.
/// </summary>
public sealed record Entity(string Name)
{
    public static readonly IReadOnlyList<string> Names =
    [
        "all", "world", "world-ipv4", "world-ipv6", "cluster", "host", "remote-node", "kube-apiserver", "ingress",
        "init", "health", "unmanaged", "none",
    ];

    /// <summary>The selectors the entity expands to (an identity matching any of them is selected).</summary>
    public IReadOnlyList<EndpointSelector> Selectors(string cluster) => Name switch
    {
        "all" => [EndpointSelector.Wildcard],
        "none" => [],
        // CIDR identities carry reserved:world, so world covers them too.
        "world" => [Reserved("world"), Reserved("world-ipv4"), Reserved("world-ipv6")],
        "cluster" =>
        [
            Reserved("host"), Reserved("remote-node"), Reserved("init"), Reserved("ingress"), Reserved("health"),
            Reserved("unmanaged"), Reserved("kube-apiserver"),
            EndpointSelector.MatchLabel(Label.SourceK8s, Label.ClusterKey, cluster),
        ],
        _ => [Reserved(Name)],
    };

    private static EndpointSelector Reserved(string name) =>
        new([new SelectorRequirement(Label.SourceReserved, name, SelectorOperator.Exists, [])]);
}
