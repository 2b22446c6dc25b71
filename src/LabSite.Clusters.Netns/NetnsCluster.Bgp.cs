using System.Text.Json;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Bgp;
using LabSite.Clusters.Netns.Router;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The lab's BGP control plane (a speaker per node, the top-of-rack router), started by the first BGP object, and
/// its inspection: sessions and RIBs from gobgpd, the router's RIB from FRR, read-only router commands.
/// </summary>
public sealed partial class NetnsCluster
{
    private BgpAgent? _bgp;

    /// <summary>The BGP agent; null before the lab is created or after it is destroyed.</summary>
    internal BgpAgent? Bgp => _bgp;

    /// <summary>Restarts the node's gobgpd as an agent restart would (its sessions drop and re-establish); for benchmarks and tests.</summary>
    public async Task RestartBgpSpeakerAsync(CancellationToken ct)
    {
        var bgp = _bgp ?? throw new ClusterException($"cluster {Name} is being destroyed");
        await bgp.RestartSpeakerAsync(ct);
    }

    public async Task<IReadOnlyList<BgpPeerModel>?> GetBgpPeersAsync(CancellationToken ct)
    {
        if (_bgp is not { } bgp)
        {
            return null;
        }
        var peers = await bgp.ReadAsync(() => bgp.Speaker.PeersAsync(ct), ct);
        return peers.Select(p => new BgpPeerModel(bgp.NodeName, p.LocalAsn, p.PeerAsn, p.Address.ToString(), p.Port, p.SessionState,
            p.Uptime is { } up ? (long)up.TotalSeconds : null, "ipv4/unicast", p.Received, p.Advertised)).ToList();
    }

    public async Task<IReadOnlyList<BgpRouteModel>?> GetBgpRoutesAsync(bool advertised, CancellationToken ct)
    {
        if (_bgp is not { } bgp)
        {
            return null;
        }
        return await bgp.ReadAsync(async () =>
        {
            var asn = bgp.Speaker.Config?.LocalAsn ?? 0;
            if (!advertised)
            {
                return (await bgp.Speaker.RoutesAsync(null, ct)).Select(r => Model(r, null)).ToList();
            }
            var result = new List<BgpRouteModel>();
            foreach (var peer in await bgp.Speaker.PeersAsync(ct))
            {
                result.AddRange((await bgp.Speaker.RoutesAsync(peer.Address, ct)).Select(r => Model(r, peer.Address.ToString())));
            }
            return (IReadOnlyList<BgpRouteModel>)result;

            BgpRouteModel Model(BgpRoute r, string? peer) => new(bgp.NodeName, asn, peer, r.Prefix, r.NextHop, (long)r.Age.TotalSeconds, r.Attributes);
        }, ct);
    }

    public async Task<RouterModel?> GetRouterAsync(CancellationToken ct)
    {
        if (_bgp?.Router is not { } router)
        {
            return null;
        }
        var reply = await router.VtyshAsync("show ip route json", ct);
        if (reply.ExitCode != 0)
        {
            throw new ClusterException($"the lab router did not answer: {reply.StandardError.Trim()}");
        }
        var routes = new List<RouterRouteModel>();
        using (var doc = JsonDocument.Parse(reply.StandardOutput))
        {
            foreach (var prefix in doc.RootElement.EnumerateObject())
            {
                foreach (var r in prefix.Value.EnumerateArray())
                {
                    var nextHop = r.TryGetProperty("nexthops", out var hops) && hops.GetArrayLength() > 0 && hops[0].TryGetProperty("ip", out var ip) ? ip.GetString() : null;
                    routes.Add(new RouterRouteModel(prefix.Name, r.TryGetProperty("protocol", out var p) ? p.GetString() ?? "" : "", nextHop,
                        r.TryGetProperty("selected", out var s) && s.GetBoolean(), r.TryGetProperty("installed", out var i) && i.GetBoolean()));
                }
            }
        }
        return new RouterModel(BgpLink.RouterAsn, BgpLink.RouterIp.ToString(), [new RouterNodeModel(_bgp.NodeName, BgpLink.NodeIp(0).ToString(), Addressing.PodCidr)], routes);
    }

    public async Task<RouterReply?> RunRouterCommandAsync(RouterCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_bgp?.Router is not { } router)
        {
            return null;
        }
        var refused = command.Tool switch
        {
            RouterCommand.Vtysh => RouterCommands.Check(command.Argument),
            RouterCommand.Curl => RouterCommands.CheckUrl(command.Argument),
            _ => $"the lab router runs only {RouterCommand.Vtysh} and {RouterCommand.Curl}",
        };
        if (refused is not null)
        {
            return new RouterReply(1, refused + "\n");
        }
        var r = command.Tool == RouterCommand.Vtysh ? await router.VtyshAsync(command.Argument.Trim(), ct) : await router.CurlAsync(command.Argument, ct);
        return new RouterReply(r.ExitCode, r.StandardOutput + r.StandardError);
    }
}
