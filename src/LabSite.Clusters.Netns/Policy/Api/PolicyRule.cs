namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Where a rule came from: the object kind (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy), its
/// name, namespace (null for clusterwide) and revision. Flows name it in <c>ingress_allowed_by</c> and friends.
/// </summary>
public sealed record PolicySource(string Kind, string Name, string? Namespace, ulong Revision = 1)
{
    public override string ToString() => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}

/// <summary>
/// One rule of a policy (a CNP <c>spec</c>, one of its <c>specs</c>, or a translated KNP), already scoped to its
/// namespace: <see cref="Subject"/> and every peer selector carry the namespace requirement Cilium adds.
/// Direction lists are null when the section is absent; an empty list means "present, allows nothing".
/// </summary>
public sealed record PolicyRule(
    PolicySource Source,
    EndpointSelector Subject,
    IReadOnlyList<PeerRule>? Ingress,
    IReadOnlyList<PeerRule>? IngressDeny,
    IReadOnlyList<PeerRule>? Egress,
    IReadOnlyList<PeerRule>? EgressDeny,
    bool? EnableDefaultDenyIngress = null,
    bool? EnableDefaultDenyEgress = null,
    string? Description = null)
{
    /// <summary>
    /// True when this rule puts selected endpoints into default-deny for <paramref name="direction"/>: it has an
    /// allow or deny section there (even <c>[{}]</c>) and does not opt out with <c>enableDefaultDeny</c>.
    /// </summary>
    public bool EnforcesDefaultDeny(TrafficDirection direction) => direction == TrafficDirection.Ingress
        ? EnableDefaultDenyIngress != false && (Ingress is { Count: > 0 } || IngressDeny is { Count: > 0 })
        : EnableDefaultDenyEgress != false && (Egress is { Count: > 0 } || EgressDeny is { Count: > 0 });

    public IEnumerable<PeerRule> Peers(TrafficDirection direction, bool deny) => (direction, deny) switch
    {
        (TrafficDirection.Ingress, false) => Ingress ?? [],
        (TrafficDirection.Ingress, true) => IngressDeny ?? [],
        (TrafficDirection.Egress, false) => Egress ?? [],
        _ => EgressDeny ?? [],
    };
}

/// <summary>Direction as the policy key stores it (Cilium: egress bit 0 = ingress, 1 = egress).</summary>
public enum TrafficDirection : byte { Ingress = 0, Egress = 1 }
