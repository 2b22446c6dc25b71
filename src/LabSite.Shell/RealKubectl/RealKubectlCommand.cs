using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl</c> as the real kubectl: run by the agent inside the lab's network against the lab's own API
/// (<see cref="IKubectlRunner"/>), with the lab folder's files the line names, the pipe's stdin, and its exit code.
/// The lab's Cilium and Tetragon agents are not pods of the lab cluster, so <c>kubectl exec ds/cilium -- cilium-dbg ...</c>
/// (and <c>hubble</c>, <c>tetra</c>) runs the lab shell's own commands (<see cref="AgentPodExec"/>); <c>exec -it</c> at the
/// lab terminal is the lab shell's terminal hand-over. Sessions whose cluster cannot run
/// kubectl (in-process test clusters), or that do not ask for it, get <paramref name="builtIn"/>.
/// </summary>
public sealed class RealKubectlCommand(IShellCommand builtIn) : IShellCommand
{
    public string Name => "kubectl";

    public string Summary => "the real kubectl, against the lab cluster's Kubernetes API";

    public async Task<int> RunAsync(CommandContext context)
    {
        if (!context.Session.UseRealKubectl || context.Session.Cluster is not IKubectlRunner runner)
        {
            return await builtIn.RunAsync(context);
        }
        if (AgentPodExec.Find(context.Args) is var (target, command))
        {
            return await AgentPodExec.RunAsync(context, target, command);
        }
        if (context.StdinIsTerminal && context.Terminal is not null && AgentPodExec.IsInteractive(context.Args))
        {
            // kubectl exec -it at the lab terminal: the lab shell hands the terminal itself to the pod's session.
            return await builtIn.RunAsync(context);
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
}
