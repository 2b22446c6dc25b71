namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when a BGP session of the lab's speakers, as <c>cilium bgp peers</c> lists it, is in <see cref="State"/>:
/// the session with <see cref="Peer"/>, or any session when no peer is named.
/// </summary>
/// <param name="Peer">The peer's address (e.g. the lab router, 172.30.0.1); null for any peer.</param>
/// <param name="State">Cilium's session state word: established (the default), active, connect, idle, opensent, openconfirm.</param>
public sealed record BgpPeerCheck(string Id, string Title, SourceLocation Location, string? Peer, string State) : CheckSpec(Id, Title, Location);

/// <summary>
/// Passes when the lab router's routing table (FRR's RIB, <c>vtysh -c 'show ip route'</c>) holds (or, with
/// <see cref="Present"/> false, does not hold) a selected route to <see cref="Prefix"/> learned by <see cref="Protocol"/>.
/// </summary>
/// <param name="Prefix">A CIDR such as <c>172.31.0.1/32</c>, or <c>pod-cidr</c>: the lab node's pod CIDR.</param>
/// <param name="Protocol">Who put the route there: bgp (the default), connected, kernel, static.</param>
public sealed record RouterRouteCheck(string Id, string Title, SourceLocation Location, string Prefix, string Protocol, bool Present) : CheckSpec(Id, Title, Location)
{
    public const string PodCidr = "pod-cidr";
}
