using LabSite.Clusters.Contract.Identity;

namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when the policy map of every endpoint selected by <see cref="Endpoint"/> decides the described traffic as
/// expected (see <see cref="Match"/> for how entries are found), as <c>cilium-dbg bpf policy get</c> shows the map.
/// </summary>
/// <param name="Endpoint">The pods whose endpoints' maps are read; the check passes only if all of them match.</param>
/// <param name="Peer">The remote identity of the entry.</param>
/// <param name="Direction">Ingress (traffic into the endpoint) or egress.</param>
/// <param name="Port">The destination port; null means the entry covers any port (<c>ANY</c>).</param>
/// <param name="Protocol">The protocol; <see cref="PolicyProtocol.Any"/> when the entry covers every protocol.</param>
/// <param name="Expect">Whether the matching entry must allow, deny, or not exist (no entry: dropped under default deny).</param>
/// <param name="Proxy">
/// With <see cref="PolicyMapExpectation.Allow"/>: true requires a proxy port (an L7 rule redirects the traffic),
/// false requires none; null does not look at the proxy port.
/// </param>
public sealed record PolicyMapCheck(
    string Id,
    string Title,
    SourceLocation Location,
    PodSelector Endpoint,
    PolicyPeer Peer,
    TrafficDirection Direction,
    int? Port,
    PolicyProtocol Protocol,
    PolicyMapExpectation Expect,
    bool? Proxy) : CheckSpec(Id, Title, Location)
{
    /// <summary>How entries are found: as the datapath decides (default), or an exact row only.</summary>
    public PolicyMapMatch Match { get; init; } = PolicyMapMatch.Lookup;
}

public enum PolicyMapMatch
{
    /// <summary>
    /// Look the traffic up as the datapath does: the exact entry, then wildcard entries (identity 0 = ANY, protocol-only,
    /// any port), deny first. An endpoint without enforcement holds allow-all wildcard entries, so everything is allowed.
    /// </summary>
    Lookup,

    /// <summary>
    /// Require (or, with <see cref="PolicyMapExpectation.Absent"/>, forbid) a row for exactly this identity, direction,
    /// port and protocol, as <c>cilium-dbg bpf policy get</c> lists it; wildcard rows do not count.
    /// </summary>
    Exact,
}

/// <summary>
/// The remote side of a policy map entry: either the identity of some pods, or a reserved identity by name
/// (<see cref="ReservedIdentityNames"/>), where <c>any</c> is identity 0, the wildcard entry printed as <c>ANY</c>.
/// </summary>
public sealed record PolicyPeer(PodSelector? Pods, string? Reserved)
{
    public override string ToString() => Pods?.ToString() ?? $"reserved:{Reserved}";
}

/// <summary>
/// Names a check may give a reserved peer: Cilium's reserved identities (the Contract's <see cref="NumericIdentity"/>)
/// but <c>unknown</c>, plus <c>any</c> for identity 0, the wildcard of L4-only entries.
/// </summary>
public static class ReservedIdentityNames
{
    public const string Any = "any";

    public static readonly IReadOnlyList<string> All =
        [Any, .. NumericIdentity.Reserved.Where(r => r.Id != NumericIdentity.Unknown).Select(r => r.Name)];

    /// <summary>The identity a check's reserved name stands for; null for a name not in <see cref="All"/>.</summary>
    public static uint? Number(string name) =>
        name == Any ? NumericIdentity.Unknown.Value
        : NumericIdentity.FromReservedName(name) is { } id && id != NumericIdentity.Unknown ? id.Value
        : null;
}

public enum PolicyProtocol { Any, Tcp, Udp, Sctp, Icmp }

public enum PolicyMapExpectation { Allow, Deny, Absent }
