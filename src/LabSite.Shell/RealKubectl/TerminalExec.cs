using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl exec -it (POD | deploy/NAME | svc/NAME) [-c CONTAINER] -- COMMAND</c> typed at the lab terminal: the real
/// kubectl runs on pipes, without a terminal, so the lab shell hands its own terminal (keys, screen, window size) to a
/// session of the pod's program on a pseudo-terminal (<see cref="ILabCluster.ExecAsync"/> with a TTY) until it ends.
/// </summary>
internal static class TerminalExec
{
    private const string DefaultNamespace = "default";

    public static async Task<int> RunAsync(CommandContext context, ILabCluster cluster, ExecLine line)
    {
        if (!line.Tty)
        {
            // -i alone would need the line editing a terminal in cooked mode does for kubectl.
            await context.Stderr.WriteLineAsync($"error: -i without -t reads the keyboard with no terminal to edit lines on; use kubectl exec -it {line.Target} -- <command> for an interactive session, or pipe input in: echo ... | kubectl exec -i {line.Target} -- <command>");
            return 1;
        }
        var terminal = context.Terminal!;
        var ns = line.Namespace ?? DefaultNamespace;
        string pod;
        try
        {
            pod = await ResolvePodAsync(cluster, ns, line.Target, context.Cancellation);
        }
        catch (ClusterException e)
        {
            await context.Stderr.WriteLineAsync(e.Message.StartsWith("error:", StringComparison.Ordinal) ? e.Message : $"error: {e.Message}");
            return 1;
        }
        var request = new ExecRequest(ns, pod, line.Command, null, line.Container, Tty: true);
        var code = await terminal.AttachAsync((attached, ct) => cluster.ExecAsync(
            request, new ExecStreams(attached.Screen, attached.Screen, attached.Keys, attached.Window), ct), context.Cancellation);
        if (code != 0 && !context.Cancellation.IsCancellationRequested)
        {
            await context.Stderr.WriteLineAsync($"command terminated with exit code {code}");
        }
        return code;
    }

    /// <summary>A pod by name, or the first pod (by name) a deployment's, replica set's or service's selector picks, as kubectl picks one.</summary>
    private static async Task<string> ResolvePodAsync(ILabCluster cluster, string ns, string target, CancellationToken ct)
    {
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        var kind = slash < 0 ? ResourceKinds.Pod : ResourceKinds.Resolve(target[..slash])
            ?? throw new ClusterException($"error: the server doesn't have a resource type \"{target[..slash]}\"");
        var name = slash < 0 ? target : target[(slash + 1)..];
        var found = await cluster.GetAsync(new ObjectQuery(kind.Plural, ns, Name: name), ct);
        if (found.Count == 0)
        {
            throw new ClusterException($"Error from server (NotFound): {kind.QualifiedPlural} \"{name}\" not found");
        }
        if (kind == ResourceKinds.Pod)
        {
            return name;
        }
        if (kind != ResourceKinds.Deployment && kind != ResourceKinds.ReplicaSet && kind != ResourceKinds.Service)
        {
            throw new ClusterException($"error: cannot attach to {kind.QualifiedSingular}: selector for {kind.QualifiedSingular} not implemented");
        }
        var owner = found[0].Json;
        var selector = KubeJson.Labels(kind == ResourceKinds.Service ? KubeJson.At(owner, "spec", "selector") : KubeJson.At(owner, "spec", "selector", "matchLabels"));
        var pods = selector == "<none>" ? [] : await cluster.GetAsync(new ObjectQuery(ResourceKinds.Pod.Plural, ns, selector), ct);
        return pods.Select(p => p.Name).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new ClusterException($"error: unable to find a pod for {kind.QualifiedSingular}/{name}: no pods match {selector}");
    }
}
