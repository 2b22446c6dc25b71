using System.Net;
using System.Net.Sockets;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: bgp-peer</c> and <c>kind: router-route</c> checks (see docs/authoring.md, "bgp-peer", "router-route").</summary>
public static class BgpCheckReaders
{
    public static readonly IReadOnlyList<string> PeerKeys = ["peer", "state"];

    public static readonly IReadOnlyList<string> RouteKeys = ["prefix", "protocol", "present"];

    public static readonly IReadOnlyList<string> States = ["established", "active", "connect", "idle", "opensent", "openconfirm"];

    public static readonly IReadOnlyList<string> Protocols = ["bgp", "connected", "kernel", "static"];

    public static CheckSpec? ReadPeer(CheckHeader header, YamlMapReader reader)
    {
        var peer = reader.String("peer");
        if (peer is not null && (!IPAddress.TryParse(peer, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork))
        {
            reader.Error("peer", $"\"peer\" in {header.Context} must be the peer's IPv4 address, like 172.30.0.1 (the lab router); got \"{peer}\"");
            return null;
        }
        var state = reader.String("state") ?? "established";
        if (!States.Contains(state))
        {
            reader.Error("state", reader.BadChoice("state", state, States));
            return null;
        }
        return new BgpPeerCheck(header.Id, header.Title, header.Location, peer, state);
    }

    public static CheckSpec? ReadRoute(CheckHeader header, YamlMapReader reader)
    {
        var prefix = reader.String("prefix", required: true);
        if (prefix is null)
        {
            return null;
        }
        if (prefix != RouterRouteCheck.PodCidr && (!IPNetwork.TryParse(prefix, out var net) || net.BaseAddress.AddressFamily != AddressFamily.InterNetwork || net.ToString() != prefix))
        {
            reader.Error("prefix", $"\"prefix\" in {header.Context} must be an IPv4 CIDR in canonical form, like 172.31.0.1/32, or {RouterRouteCheck.PodCidr}; got \"{prefix}\"");
            return null;
        }
        var protocol = reader.String("protocol") ?? "bgp";
        if (!Protocols.Contains(protocol))
        {
            reader.Error("protocol", reader.BadChoice("protocol", protocol, Protocols));
            return null;
        }
        var present = reader.Has("present") ? reader.Bool("present") : true;
        return present is null ? null : new RouterRouteCheck(header.Id, header.Title, header.Location, prefix, protocol, present.Value);
    }
}
