using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Node;

/// <summary>
/// <c>node tcpdump NODE [tcpdump flags] [expression] [--while POD -- COMMAND...]</c> (NODE: a node's name, or
/// <c>pod/NAME</c> for the node a pod runs on): a read-only capture on a lab node's underlay (<c>eth0</c>) or tunnel (<c>cilium_vxlan</c>), as one would run tcpdump on a Kubernetes node. The
/// lab shell runs one command at a time, so <c>--while</c> runs a command in a pod (<c>[NAMESPACE/]POD</c>) once the
/// capture listens, and the capture ends shortly after it; without it the capture ends at its count or after 8
/// seconds. The backend checks every argument again (interfaces, count, display flags, filter characters).
/// </summary>
public sealed class NodeCommand : IShellCommand
{
    private const string Usage = "Usage: node tcpdump NODE|pod/POD [-i eth0|cilium_vxlan] [-c COUNT] [-n] [-v] [-A] [-X] [expression] [--while [NAMESPACE/]POD -- COMMAND...]";

    public string Name => "node";

    public string Summary => "a read-only tcpdump on a lab node: node tcpdump NODE -n -c 5 esp --while client -- curl -s http://server";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count < 2 || args[0] != "tcpdump")
        {
            await context.Stderr.WriteLineAsync(args.Count > 0 && args[0] != "tcpdump" ? $"node: unknown command \"{args[0]}\"\n{Usage}" : Usage);
            return 1;
        }
        var words = args.Skip(2).ToList();
        ExecRequest? during = null;
        var at = words.IndexOf("--while");
        if (at >= 0)
        {
            var rest = words.Skip(at + 1).ToList();
            words = words.Take(at).ToList();
            if (rest is not [var target, "--", _, ..])
            {
                await context.Stderr.WriteLineAsync($"node: --while needs a pod and a command: --while [NAMESPACE/]POD -- COMMAND...\n{Usage}");
                return 1;
            }
            var (ns, pod) = target.Split('/', 2) is [var n, var p] ? (n, p) : ("default", target);
            during = new ExecRequest(ns, pod, rest.Skip(2).ToList());
        }
        if (context.Session.Cluster is not IClusterInspector inspector)
        {
            await context.Stderr.WriteLineAsync("node: this lab has no cluster running yet");
            return 1;
        }
        if (await inspector.CaptureOnNodeAsync(new NodeCaptureRequest(args[1], words, during), context.Cancellation) is not { } reply)
        {
            await context.Stderr.WriteLineAsync("node: this cluster's nodes offer no capture (the netns backend does)");
            return 1;
        }
        await context.Stderr.WriteAsync(reply.Errors.Split('\n').FirstOrDefault(l => l.Length > 0) is { } first ? first + "\n" : "");
        await context.Stdout.WriteAsync(reply.Output);
        await context.Stderr.WriteAsync(string.Join('\n', reply.Errors.Split('\n').Skip(1)));
        if (reply.WhileOutput is { Length: > 0 } output)
        {
            await context.Stdout.WriteAsync($"--- {during!.Pod}: {string.Join(' ', during.Command)}\n{output}");
        }
        return reply.ExitCode;
    }
}
