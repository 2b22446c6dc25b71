using System.Net;

namespace LabSite.Clusters.Netns.Bgp;

/// <summary>One BGP peer of a node's speaker, from a CiliumBGPClusterConfig peer and its CiliumBGPPeerConfig (defaults filled).</summary>
public sealed record BgpPeerSpec(string Name, IPAddress Address, long Asn, int Port = 179, int HoldTimeSeconds = 90, int KeepAliveSeconds = 30, int ConnectRetrySeconds = 120, int EbgpMultihop = 1);

/// <summary>
/// What one node's speaker should be: its instance, local AS and router id, its peers, and the prefixes it
/// originates (IPv4 unicast). Prefixes are announced to every peer of the instance (the lab has one router).
/// </summary>
public sealed record SpeakerConfig(string Instance, long LocalAsn, IPAddress RouterId, IReadOnlyList<BgpPeerSpec> Peers, IReadOnlyList<string> Prefixes)
{
    /// <summary>Same daemon-level identity: a change of AS or router id needs a new gobgpd; anything else is reloaded.</summary>
    public bool SameIdentity(SpeakerConfig other) => LocalAsn == other.LocalAsn && RouterId.Equals(other.RouterId);
}

/// <summary>A peer as the speaker sees it right now (gobgpd's neighbor state).</summary>
public sealed record BgpPeerState(IPAddress Address, int Port, long LocalAsn, long PeerAsn, string SessionState, TimeSpan? Uptime, int Received, int Accepted, int Advertised);

/// <summary>One route in a speaker RIB: prefix, next hop, age and path attributes as Cilium prints them.</summary>
public sealed record BgpRoute(string Prefix, string NextHop, TimeSpan Age, string Attributes, bool Best);
