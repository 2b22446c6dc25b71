using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Bgp;

/// <summary>
/// The lab router, read-only: <c>vtysh -c 'show ...'</c> (FRR's shell, <c>show</c> commands only; several <c>-c</c>
/// run in order) and <c>router curl http://ADDRESS/...</c> (an HTTP request from the router's side, over the routes
/// BGP taught it). The router itself refuses anything else; these commands only shape the request.
/// </summary>
public sealed class RouterShellCommand(string name) : IShellCommand
{
    public const string VtyshName = "vtysh";
    public const string RouterName = "router";

    public string Name => name;

    public string Summary => name == VtyshName
        ? "FRR's shell on the lab router, read-only: vtysh -c 'show bgp summary'"
        : "act from the lab router's side: router curl http://172.31.0.1/";

    public async Task<int> RunAsync(CommandContext context)
    {
        var requests = name == VtyshName ? VtyshRequests(context.Args) : RouterRequests(context.Args);
        if (requests is null)
        {
            await context.Stderr.WriteLineAsync(name == VtyshName
                ? "vtysh: the lab router has no interactive shell here; run one show command with -c, e.g. vtysh -c 'show bgp summary'"
                : "Usage: router curl http://ADDRESS[:PORT]/PATH   (an HTTP GET from the lab router)");
            return 1;
        }
        if (context.Session.Cluster is not IClusterInspector inspector)
        {
            await context.Stderr.WriteLineAsync($"{name}: this cluster offers no inspection");
            return 1;
        }
        var status = 0;
        foreach (var request in requests)
        {
            if (await inspector.RunRouterCommandAsync(request, context.Cancellation) is not { } reply)
            {
                await context.Stderr.WriteLineAsync($"{name}: this lab has no router yet (it starts with the first CiliumBGPClusterConfig, CiliumBGPPeerConfig or CiliumBGPAdvertisement)");
                return 1;
            }
            await (reply.ExitCode == 0 ? context.Stdout : context.Stderr).WriteAsync(reply.Output);
            status = reply.ExitCode;
            if (status != 0)
            {
                break;
            }
        }
        return status;
    }

    private static List<RouterCommand>? VtyshRequests(IReadOnlyList<string> args)
    {
        var requests = new List<RouterCommand>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is not ("-c" or "--command") || i + 1 >= args.Count)
            {
                return null;
            }
            requests.Add(new RouterCommand(RouterCommand.Vtysh, args[++i]));
        }
        return requests.Count == 0 ? null : requests;
    }

    private static List<RouterCommand>? RouterRequests(IReadOnlyList<string> args) =>
        args is ["curl", var url] ? [new RouterCommand(RouterCommand.Curl, url)] : null;
}
