using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// One BGP session of a node's speaker, as <c>cilium bgp peers</c> lists it: the node, both AS numbers, the peer,
/// Cilium's session state word (<c>established</c>, <c>active</c>, <c>idle</c>...), uptime while established, and
/// per-family route counts.
/// </summary>
public sealed record BgpPeerModel(string Node, long LocalAsn, long PeerAsn, string PeerAddress, int PeerPort, string SessionState, long? UptimeSeconds, string Family, int Received, int Advertised)
{
    /// <summary><c>cilium bgp peers</c> (the CLI, all nodes).</summary>
    public static string ToCiliumText(IReadOnlyList<BgpPeerModel> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var rows = new List<string[]> { new[] { "Node", "Local AS", "Peer AS", "Peer Address", "Session State", "Uptime", "Family", "Received", "Advertised" } };
        rows.AddRange(peers.Select(p => new[] { p.Node, Num(p.LocalAsn), Num(p.PeerAsn), p.PeerAddress, p.SessionState, BgpText.Uptime(p.UptimeSeconds), p.Family, Num(p.Received), Num(p.Advertised) }));
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }

    /// <summary><c>cilium-dbg bgp peers</c> (one node's agent): no node column, the peer with its port.</summary>
    public static string ToAgentText(IReadOnlyList<BgpPeerModel> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var rows = new List<string[]> { new[] { "Local AS", "Peer AS", "Peer Address", "Session", "Uptime", "Family", "Received", "Advertised" } };
        rows.AddRange(peers.Select(p => new[] { Num(p.LocalAsn), Num(p.PeerAsn), $"{p.PeerAddress}:{Num(p.PeerPort)}", p.SessionState, BgpText.Uptime(p.UptimeSeconds), p.Family, Num(p.Received), Num(p.Advertised) }));
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One route of a speaker's RIB, as <c>cilium bgp routes</c> lists it: <c>available</c> (the Loc-RIB, no peer) or
/// <c>advertised</c> (sent to <see cref="Peer"/>), with the virtual router's AS, next hop, age and path attributes.
/// </summary>
public sealed record BgpRouteModel(string Node, long VRouter, string? Peer, string Prefix, string NextHop, long AgeSeconds, string Attributes)
{
    public static string ToCiliumText(IReadOnlyList<BgpRouteModel> routes, bool advertised, bool withNode)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var header = new List<string>();
        if (withNode)
        {
            header.Add("Node");
        }
        header.Add("VRouter");
        if (advertised)
        {
            header.Add("Peer");
        }
        header.AddRange(["Prefix", "NextHop", "Age", "Attrs"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var r in routes)
        {
            var row = new List<string>();
            if (withNode)
            {
                row.Add(r.Node);
            }
            row.Add(r.VRouter.ToString(CultureInfo.InvariantCulture));
            if (advertised)
            {
                row.Add(r.Peer ?? "");
            }
            row.AddRange([r.Prefix, r.NextHop, BgpText.Uptime(r.AgeSeconds), r.Attributes]);
            rows.Add(row.ToArray());
        }
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }
}

/// <summary>The lab's top-of-rack router: its AS and address, the nodes on its link, and its routing table (FRR's RIB).</summary>
public sealed record RouterModel(long Asn, string Address, IReadOnlyList<RouterNodeModel> Nodes, IReadOnlyList<RouterRouteModel> Routes);

/// <summary>A node on the router's link: its name, its address there, and its pod CIDR (what PodCIDR advertisements announce).</summary>
public sealed record RouterNodeModel(string Name, string Address, string PodCidr);

/// <summary>One route of the router's RIB: prefix, the protocol that put it there (<c>bgp</c>, <c>connected</c>...), next hop, and whether it is selected and in the kernel.</summary>
public sealed record RouterRouteModel(string Prefix, string Protocol, string? NextHop, bool Selected, bool Installed);

/// <summary>A read-only question to the lab's router: <c>vtysh</c> with one <c>show</c> command, or <c>curl</c> with one http:// URL.</summary>
public sealed record RouterCommand(string Tool, string Argument)
{
    public const string Vtysh = "vtysh";
    public const string Curl = "curl";
}

/// <summary>What the router's tool printed (stdout then stderr) and its exit code; a refused command says why with exit code 1.</summary>
public sealed record RouterReply(int ExitCode, string Output);

/// <summary>Shared text helpers of the BGP models.</summary>
public static class BgpText
{
    /// <summary>Go's <c>time.Duration.String()</c> rounded to seconds (<c>33m26s</c>, <c>1h2m3s</c>, <c>0s</c>); empty for none.</summary>
    public static string Uptime(long? seconds)
    {
        if (seconds is not { } s)
        {
            return "";
        }
        s = Math.Max(0, s);
        var sb = new StringBuilder();
        if (s >= 3600)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s / 3600}h");
        }
        if (s >= 60)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s / 60 % 60}m");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{s % 60}s");
        return sb.ToString();
    }
}
