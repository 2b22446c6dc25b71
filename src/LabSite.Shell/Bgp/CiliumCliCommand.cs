using LabSite.Clusters.Contract;

namespace LabSite.Shell.Bgp;

/// <summary>
/// The <c>cilium</c> CLI, for the parts the lab answers: <c>cilium bgp peers</c> and <c>cilium bgp routes</c> across the
/// lab's nodes, and <c>cilium clustermesh status</c> (<see cref="Mesh.ClusterMeshStatusText"/>). Other <c>cilium</c> subcommands say plainly that the lab does not offer them.
/// </summary>
public sealed class CiliumCliCommand : IShellCommand
{
    public string Name => "cilium";

    public string Summary => "the Cilium CLI: bgp peers, bgp routes, clustermesh status";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count >= 1 && args[0] == "clustermesh")
        {
            return await ClusterMeshAsync(context, args);
        }
        if (args.Count < 2 || args[0] != "bgp" || args[1] is not ("peers" or "routes"))
        {
            await context.Stderr.WriteLineAsync(args.Count > 0 && args[0] != "bgp"
                ? $"Error: the lab's cilium CLI offers bgp peers, bgp routes and clustermesh status; \"cilium {args[0]}\" is not available (try cilium-dbg)"
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

    private static async Task<int> ClusterMeshAsync(CommandContext context, IReadOnlyList<string> args)
    {
        // --wait is accepted: the lab's mesh is connected when the lab is ready.
        var rest = args.Skip(1).Where(a => a != "--wait").ToList();
        if (rest is not ["status"])
        {
            await context.Stderr.WriteLineAsync("Usage: cilium clustermesh status [--wait] (the lab's mesh is set up with the lab: enable and connect are not needed)");
            return 1;
        }
        if (context.Session.Cluster is not IClusterInspector inspector || await inspector.GetStatusAsync(context.Cancellation) is not { } status)
        {
            await context.Stderr.WriteLineAsync("Error: this cluster reports no agent status");
            return 1;
        }
        await context.Stdout.WriteAsync(Mesh.ClusterMeshStatusText.Text(status));
        return status.ClusterMesh is null ? 1 : 0;
    }
}
