using System.Globalization;
using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Bgp;

/// <summary>
/// <c>bgp peers</c> and <c>bgp routes</c>, shared by <c>cilium</c> (the CLI: every node, a Node column) and
/// <c>cilium-dbg</c> (one node's agent). Routes take Cilium's grammar:
/// <c>routes [available|advertised] [ipv4 unicast] [vrouter ASN] [peer|neighbor ADDRESS]</c>; only IPv4 unicast exists
/// in a lab. Answers come from the cluster's speakers; a cluster without BGP says so.
/// </summary>
internal static class BgpSubcommands
{
    public static async Task<int> PeersAsync(CommandContext context, IClusterInspector inspector, IReadOnlyList<string> args, bool agentView)
    {
        if (args.Count > 0)
        {
            await context.Stderr.WriteLineAsync($"Error: unknown argument \"{args[0]}\" for \"bgp peers\"");
            return 1;
        }
        if (await inspector.GetBgpPeersAsync(context.Cancellation) is not { } peers)
        {
            return await NoBgpAsync(context);
        }
        await context.Stdout.WriteAsync(agentView ? BgpPeerModel.ToAgentText(peers) : BgpPeerModel.ToCiliumText(peers));
        return 0;
    }

    public static async Task<int> RoutesAsync(CommandContext context, IClusterInspector inspector, IReadOnlyList<string> args, bool agentView)
    {
        var rest = args.ToList();
        var advertised = false;
        if (rest.Count > 0 && rest[0] is "available" or "advertised")
        {
            advertised = rest[0] == "advertised";
            rest.RemoveAt(0);
        }
        if (rest.Count >= 2 && rest[0] is "ipv4" or "ipv6")
        {
            if (rest[0] != "ipv4" || rest[1] != "unicast")
            {
                await context.Stderr.WriteLineAsync($"Error: the lab's speakers carry ipv4 unicast only, not {rest[0]} {rest[1]}");
                return 1;
            }
            rest.RemoveRange(0, 2);
        }
        long? vrouter = null;
        string? peer = null;
        while (rest.Count >= 2)
        {
            switch (rest[0])
            {
                case "vrouter" when long.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out var asn):
                    vrouter = asn;
                    break;
                case "peer" or "neighbor" when IPAddress.TryParse(rest[1], out var address) && advertised:
                    peer = address.ToString();
                    break;
                default:
                    await context.Stderr.WriteLineAsync($"Error: invalid argument \"{rest[0]} {rest[1]}\": usage: bgp routes <available | advertised> <afi> <safi> [vrouter <asn>] [peer|neighbor <address>]");
                    return 1;
            }
            rest.RemoveRange(0, 2);
        }
        if (rest.Count > 0)
        {
            await context.Stderr.WriteLineAsync($"Error: invalid argument \"{rest[0]}\": usage: bgp routes <available | advertised> <afi> <safi> [vrouter <asn>] [peer|neighbor <address>]");
            return 1;
        }
        if (await inspector.GetBgpRoutesAsync(advertised, context.Cancellation) is not { } routes)
        {
            return await NoBgpAsync(context);
        }
        var shown = routes.Where(r => (vrouter is null || r.VRouter == vrouter) && (peer is null || r.Peer == peer)).ToList();
        await context.Stdout.WriteAsync(BgpRouteModel.ToCiliumText(shown, advertised, withNode: !agentView));
        return 0;
    }

    private static async Task<int> NoBgpAsync(CommandContext context)
    {
        await context.Stderr.WriteLineAsync("Error: this cluster runs no BGP control plane");
        return 1;
    }
}
