using System.Text;
using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl exec [-i] [-t] (pod | deploy/x | ds/cilium) [-c container] -- command...</c>. The Cilium agent
/// (<c>ds/cilium</c>, any pod named cilium-*) is not a pod of the lab cluster: its <c>cilium-dbg</c> and <c>hubble</c>
/// run in the lab shell itself; so does Tetragon's <c>tetra</c> (<c>ds/tetragon</c>, any pod named tetragon-*).
/// </summary>
internal sealed class ExecVerb : IKubectlVerb
{
    public string Name => "exec";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Bool("stdin", 'i').Bool("tty", 't').Value("container", 'c').Bool("quiet", 'q');

    public async Task<int> RunAsync(KubectlRun run)
    {
        var positionals = run.Flags.Positionals;
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command");
        }
        if (run.Flags.Command is not { Count: > 0 } command)
        {
            throw new KubectlException(positionals.Count > 1
                ? "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"
                : "error: you must specify at least one command for the container");
        }
        var target = positionals[0];
        if (RealKubectl.AgentPodExec.IsAgent(target))
        {
            return await RealKubectl.AgentPodExec.RunAsync(run.Context, target, command);
        }
        var pod = await ResolvePodAsync(run, target);
        var request = new ExecRequest(pod.Namespace ?? run.Namespace, pod.Name, command, null, run.Flags.Value("container"));
        int code;
        if (run.Flags.Has("stdin") && run.Context.StdinIsTerminal)
        {
            code = await RunOnTerminalAsync(run, request, target);
        }
        else
        {
            if (run.Flags.Has("stdin") && run.Flags.Has("tty"))
            {
                // As kubectl: -it with piped input runs without a terminal rather than failing.
                await run.Err.WriteLineAsync("Unable to use a TTY - input is not a terminal or the right kind of file");
            }
            var stdin = run.Flags.Has("stdin") ? new MemoryStream(Encoding.UTF8.GetBytes(await run.Context.Stdin.ReadToEndAsync(run.Cancellation))) : null;
            code = await run.Cluster.ExecAsync(request, new ExecStreams(new TextWriterStream(run.Out), new TextWriterStream(run.Err), stdin), run.Cancellation);
        }
        if (code != 0 && !run.Cancellation.IsCancellationRequested)
        {
            await run.Err.WriteLineAsync($"command terminated with exit code {code}");
        }
        return code;
    }

    /// <summary>
    /// <c>-it</c> with the keyboard as stdin: the program runs on a pseudo-terminal of its own and gets the lab terminal
    /// (keys, screen, window size) until it ends. <c>-i</c> alone would need the line editing a terminal in cooked mode
    /// does for kubectl; it is refused with what to type instead.
    /// </summary>
    private static async Task<int> RunOnTerminalAsync(KubectlRun run, ExecRequest request, string target)
    {
        if (!run.Flags.Has("tty"))
        {
            throw new KubectlException($"error: -i without -t reads the keyboard with no terminal to edit lines on; use kubectl exec -it {target} -- <command> for an interactive session, or pipe input in: echo ... | kubectl exec -i {target} -- <command>");
        }
        if (run.Context.Terminal is not { } terminal)
        {
            throw new KubectlException($"error: interactive sessions (-it) need the lab terminal; here, run one command at a time: kubectl exec {target} -- <command>, or pipe input in: echo ... | kubectl exec -i {target} -- <command>");
        }
        return await terminal.AttachAsync((attached, ct) => run.Cluster.ExecAsync(
            request with { Tty = true },
            new ExecStreams(attached.Screen, attached.Screen, attached.Keys, attached.Window),
            ct), run.Cancellation);
    }

    /// <summary>A pod by name, or the first pod (by name) of <c>deploy/x</c> or <c>rs/x</c>, as kubectl picks one.</summary>
    public static async Task<KubeObject> ResolvePodAsync(KubectlRun run, string target)
    {
        var (kind, name) = KubectlRun.KindAndName(target, ResourceKinds.Pod);
        if (kind == ResourceKinds.Pod)
        {
            return await run.GetOneAsync(kind, name);
        }
        if (kind != ResourceKinds.Deployment && kind != ResourceKinds.ReplicaSet && kind != ResourceKinds.Service)
        {
            throw new KubectlException($"error: cannot attach to {kind.QualifiedSingular}: selector for {kind.QualifiedSingular} not implemented");
        }
        var owner = await run.GetOneAsync(kind, name);
        var selector = kind == ResourceKinds.Service ? KubeJson.At(owner.Json, "spec", "selector") : KubeJson.At(owner.Json, "spec", "selector", "matchLabels");
        var selectorText = KubeJson.Labels(selector);
        var pods = selectorText == "<none>" ? [] : await run.ListAsync(ResourceKinds.Pod, selectorText);
        return pods.FirstOrDefault() ?? throw new KubectlException($"error: unable to find a pod for {kind.QualifiedSingular}/{name}: no pods match {selectorText}");
    }
}

/// <summary><c>kubectl logs (pod | deploy/x) [--tail N] [-c container]</c>.</summary>
internal sealed class LogsVerb : IKubectlVerb
{
    public string Name => "logs";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Value("tail").Value("container", 'c').Bool("follow", 'f').Bool("timestamps");

    public async Task<int> RunAsync(KubectlRun run)
    {
        if (run.Flags.Positionals.Count == 0)
        {
            throw new KubectlException("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command");
        }
        int? tail = null;
        if (run.Flags.Value("tail") is { } tailText)
        {
            if (!int.TryParse(tailText, out var parsed))
            {
                throw new KubectlException($"error: invalid argument \"{tailText}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{tailText}\": invalid syntax");
            }
            tail = parsed < 0 ? null : parsed;
        }
        var pod = await ExecVerb.ResolvePodAsync(run, run.Flags.Positionals[0]);
        var text = await run.Cluster.LogsAsync(pod.Namespace ?? run.Namespace, pod.Name, tail, run.Cancellation);
        await run.Out.WriteAsync(text);
        if (run.Flags.Has("follow"))
        {
            await run.Err.WriteLineAsync("(the lab shell shows the logs so far; -f does not keep following)");
        }
        return 0;
    }
}
