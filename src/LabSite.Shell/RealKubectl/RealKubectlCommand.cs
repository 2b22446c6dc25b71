using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl</c> is the real kubectl: run by the agent inside the lab's network against the lab's own API
/// (<see cref="IKubectlRunner"/>), with the lab folder's files the line names, the pipe's stdin, and its exit code.
/// The lab's Cilium and Tetragon agents are the lab shell's own commands, so <c>kubectl -n kube-system exec cilium-xxxxx --
/// cilium-dbg ...</c> (and <c>hubble</c>, <c>tetra</c>) runs them here, for that pod's node (<see cref="AgentPodExec"/>); <c>exec -it</c> at the
/// lab terminal is the lab shell's terminal hand-over (<see cref="TerminalExec"/>). A cluster without a Kubernetes API
/// to run kubectl against (the in-memory clusters of unit tests) gets a clear error, never an imitation.
/// </summary>
public sealed class RealKubectlCommand : IShellCommand
{
    public string Name => "kubectl";

    public string Summary => "the real kubectl, against the lab cluster's Kubernetes API";

    public async Task<int> RunAsync(CommandContext context)
    {
        if (context.Session.Cluster is not { } cluster)
        {
            await context.Stderr.WriteLineAsync("error: this lab has no cluster running yet; start the lab, then try again");
            return 1;
        }
        var exec = ExecLine.Parse(context.Args);
        if (exec is not null && AgentPodExec.IsAgent(exec.Target) && await AgentPodExec.TryRunAsync(context, cluster, exec) is { } agentCode)
        {
            return agentCode;
        }
        if (exec is { Stdin: true } && context.Terminal is not null)
        {
            return await TerminalExec.RunAsync(context, cluster, exec);
        }
        if (cluster is not IKubectlRunner runner)
        {
            await context.Stderr.WriteLineAsync(NoKubernetesApi(cluster));
            return 1;
        }
        Dictionary<string, byte[]> files;
        try
        {
            files = KubectlFiles.Collect(context.Args, context.Session.Folder);
        }
        catch (ShellPathException e)
        {
            await context.Stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        Stream? stdin = context.StdinIsTerminal ? null : new MemoryStream(Encoding.UTF8.GetBytes(await context.Stdin.ReadToEndAsync(context.Cancellation)));
        var streams = new ExecStreams(new TextWriterStream(context.Stdout), new TextWriterStream(context.Stderr), stdin);
        try
        {
            return await runner.RunKubectlAsync(new KubectlInvocation(context.Args, files), streams, context.Cancellation);
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            return 130;
        }
        catch (ClusterException e)
        {
            await context.Stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>What kubectl answers on a cluster that no agent serves a Kubernetes API for.</summary>
    public static string NoKubernetesApi(ILabCluster cluster) =>
        $"error: kubectl needs the lab's Kubernetes API, and cluster \"{cluster.Name}\" ({cluster.Backend}) is not served by a lab agent that has one; "
        + "open the lab through the site or `labsite cluster shell`";
}
