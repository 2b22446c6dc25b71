using System.Net;
using LabSite.Clusters.Netns.Fqdn;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// One element of <c>ingress</c>/<c>egress</c>/<c>…Deny</c>: which peers (endpoints, CIDRs, entities, FQDNs) on which ports.
/// A peer list that is null was not written; when no peer list is written and <see cref="ToPorts"/> or
/// <see cref="Icmps"/> is, the rule applies to every peer (L4-only). <c>{}</c> (nothing at all) selects nothing.
/// </summary>
public sealed record PeerRule(
    IReadOnlyList<EndpointSelector>? Endpoints,
    IReadOnlyList<CidrRule>? Cidrs,
    IReadOnlyList<Entity>? Entities,
    IReadOnlyList<PortRule>? ToPorts,
    IReadOnlyList<IcmpRule>? Icmps,
    IReadOnlyList<FqdnSelector>? Fqdns = null,
    AuthMode Auth = AuthMode.Disabled)
{
    public bool HasPeers => Endpoints is not null || Cidrs is not null || Entities is not null || Fqdns is not null;

    public bool HasL4 => ToPorts is { Count: > 0 } || Icmps is { Count: > 0 };
}

/// <summary>
/// <c>authentication.mode</c> of an allow rule, with the auth type the policy map entry carries (Cilium's
/// AuthType: <c>required</c> means the default type, SPIRE = 1; <c>disabled</c> = 0, as when the field is absent).
/// </summary>
public enum AuthMode : byte { Disabled = 0, Required = 1 }

/// <summary>A <c>fromCIDR</c> entry (no excepts) or a <c>fromCIDRSet</c> entry with its <c>except</c> list.</summary>
public sealed record CidrRule(IPNetwork Cidr, IReadOnlyList<IPNetwork> Except)
{
    /// <summary>True when <paramref name="prefix"/> lies inside the CIDR and outside every except.</summary>
    public bool Selects(IPNetwork prefix) =>
        Contains(Cidr, prefix) && !Except.Any(e => Contains(e, prefix));

    public static bool Contains(IPNetwork outer, IPNetwork inner) =>
        outer.BaseAddress.AddressFamily == inner.BaseAddress.AddressFamily
        && inner.PrefixLength >= outer.PrefixLength
        && outer.Contains(inner.BaseAddress);
}

/// <summary>Transport protocols a port rule can name (values are IP protocol numbers; Any = 0).</summary>
public enum L4Protocol : byte
{
    Any = 0,
    ICMP = 1,
    IGMP = 2,
    TCP = 6,
    UDP = 17,
    ICMPv6 = 58,
    VRRP = 112,
    SCTP = 132,
}

/// <summary>
/// One <c>toPorts[].ports[]</c> entry: a number, a named port (resolved per endpoint when compiling) or empty/"0"
/// (all ports); <see cref="EndPort"/> makes a range.
/// </summary>
public sealed record PortProtocol(ushort Port, string? NamedPort, ushort EndPort, L4Protocol Protocol);

/// <summary>
/// One <c>toPorts[]</c> element. <see cref="Http"/> holds its <c>rules.http</c> (null when there are no L7 rules;
/// an empty list never occurs, since <c>http: []</c> is refused); the compiler redirects those ports to the L7 proxy.
/// <see cref="Dns"/> holds its <c>rules.dns</c>, which the lab's DNS proxy applies to the endpoint's queries.
/// </summary>
public sealed record PortRule(IReadOnlyList<PortProtocol> Ports, IReadOnlyList<HttpRule>? Http = null, IReadOnlyList<FqdnSelector>? Dns = null);

/// <summary>One <c>icmps[].fields[]</c> entry: an ICMP type for IPv4 or IPv6.</summary>
public sealed record IcmpRule(byte Type, bool IPv6);
