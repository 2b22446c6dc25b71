using LabSite.Clusters.Contract;

namespace LabSite.Shell.Bgp;

/// <summary>
/// The <c>cilium</c> CLI, for the parts the lab answers: <c>cilium bgp peers</c> and <c>cilium bgp routes</c> across the
/// lab's nodes. Other <c>cilium</c> subcommands say plainly that the lab does not offer them.
/// </summary>
public sealed class CiliumCliCommand : IShellCommand
{
    public string Name => "cilium";

    public string Summary => "the Cilium CLI: bgp peers, bgp routes";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count < 2 || args[0] != "bgp" || args[1] is not ("peers" or "routes"))
        {
            await context.Stderr.WriteLineAsync(args.Count > 0 && args[0] != "bgp"
                ? $"Error: the lab's cilium CLI offers bgp peers and bgp routes; \"cilium {args[0]}\" is not available (try cilium-dbg)"
                : "Usage: cilium bgp peers | cilium bgp routes [available|advertised] ipv4 unicast [vrouter <asn>] [peer <address>]");
            return 1;
        }
        if (context.Session.Cluster is not IClusterInspector inspector)
        {
            await context.Stderr.WriteLineAsync("Error: this cluster offers no inspection");
            return 1;
        }
        var rest = args.Skip(2).ToList();
        return args[1] == "peers"
            ? await BgpSubcommands.PeersAsync(context, inspector, rest, agentView: false)
            : await BgpSubcommands.RoutesAsync(context, inspector, rest, agentView: false);
    }
}
