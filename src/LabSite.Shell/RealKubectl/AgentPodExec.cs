using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Shell.Cilium;

namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl -n kube-system exec (ds/cilium | cilium-xxxxx) -- (cilium-dbg | hubble | tcpdump) ...</c> and
/// <c>kubectl exec ds/tetragon -- tetra ...</c>: the lab's agents are the lab shell's own commands, so such a line runs
/// them here with kubectl's output conventions. A Cilium agent pod (<c>k8s-app=cilium</c> in kube-system) answers for its
/// node (<see cref="NodeAgentInspector"/>); <c>ds/cilium</c> is the first node's pod, as kubectl picks one pod of a
/// DaemonSet. A cluster that lists no agent pods gets the cluster-wide answers.
/// </summary>
internal static class AgentPodExec
{
    public const string AgentNamespace = "kube-system";
    public const string AgentSelector = "k8s-app=cilium";
    public const string AgentContainer = "cilium-agent";

    public static bool IsAgent(string target) => IsAgent(target, "cilium") || IsAgent(target, "tetragon");

    private static bool IsDaemonSet(string target, string daemonSet) =>
        target == $"ds/{daemonSet}" || target == $"daemonset/{daemonSet}" || target == $"daemonsets/{daemonSet}"
        || target == $"daemonset.apps/{daemonSet}" || target == $"daemonsets.apps/{daemonSet}";

    private static bool IsAgent(string target, string daemonSet) =>
        IsDaemonSet(target, daemonSet) || PodName(target).StartsWith($"{daemonSet}-", StringComparison.Ordinal);

    /// <summary>The pod name of <c>NAME</c>, <c>pod/NAME</c>, <c>po/NAME</c> or <c>pods/NAME</c>.</summary>
    private static string PodName(string target)
    {
        foreach (var prefix in new[] { "pod/", "po/", "pods/" })
        {
            if (target.StartsWith(prefix, StringComparison.Ordinal))
            {
                return target[prefix.Length..];
            }
        }
        return target;
    }

    /// <summary>
    /// Runs the line in the agent it names and returns its exit code; null when it names no agent of the lab (a pod of
    /// the user's called cilium-..., another namespace, an unknown pod): the real kubectl answers those, NotFound included.
    /// </summary>
    public static async Task<int?> TryRunAsync(CommandContext context, ILabCluster cluster, ExecLine exec)
    {
        if (IsAgent(exec.Target, "tetragon"))
        {
            return await RunAsync(context, exec.Command, tetragon: true, agent: null);
        }
        var agents = await AgentPodsAsync(cluster, context.Cancellation);
        if (agents.Count == 0)
        {
            // no agent pods listed (a cluster whose Cilium is not up, a test cluster): the lab shell's cluster-wide agent
            return await RunAsync(context, exec.Command, tetragon: false, agent: null);
        }
        if ((exec.Namespace ?? "default") != AgentNamespace)
        {
            return null;
        }
        var pod = IsDaemonSet(exec.Target, "cilium") ? agents[0] : agents.FirstOrDefault(p => p.Name == PodName(exec.Target));
        if (pod is null)
        {
            return null;
        }
        if (exec.Container is { } container && container != AgentContainer)
        {
            await context.Stderr.WriteLineAsync($"error: unable to upgrade connection: container not found (\"{container}\")");
            return 1;
        }
        var node = (string)pod.Json["spec"]!["nodeName"]!;
        var agent = cluster is IClusterInspector inspector ? new NodeAgentInspector(inspector, cluster, node) : null;
        return await RunAsync(context, exec.Command, tetragon: false, agent);
    }

    /// <summary>The Running agent pods bound to a node, the first node's first (node names sort the lab's first node first).</summary>
    private static async Task<IReadOnlyList<KubeObject>> AgentPodsAsync(ILabCluster cluster, CancellationToken ct)
    {
        IReadOnlyList<KubeObject> pods;
        try
        {
            pods = await cluster.GetAsync(new ObjectQuery(ResourceKinds.Pod.Plural, AgentNamespace, AgentSelector), ct);
        }
        catch (ClusterException)
        {
            return []; // the cluster-wide path reports what is wrong with the cluster
        }
        return pods
            .Where(p => (string?)p.Json["status"]?["phase"] == "Running" && (string?)p.Json["spec"]?["nodeName"] is { Length: > 0 })
            .OrderBy(p => (string?)p.Json["spec"]!["nodeName"], StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> command, bool tetragon, NodeAgentInspector? agent)
    {
        var program = command[0];
        IShellCommand? tool = (program, tetragon) switch
        {
            ("cilium-dbg" or "cilium", false) => context.Session.Commands.GetValueOrDefault("cilium-dbg"),
            ("hubble", false) => context.Session.Commands.GetValueOrDefault("hubble"),
            ("tcpdump", false) => context.Session.Commands.GetValueOrDefault("node") is { } node ? new Node.AgentPodTcpdump(node) : null,
            ("tetra", true) => context.Session.Commands.GetValueOrDefault("tetra"),
            _ => null,
        };
        if (tool is null)
        {
            await context.Stderr.WriteLineAsync(tetragon
                ? $"error: the lab's Tetragon agent runs tetra; \"{program}\" is not available there"
                : $"error: the lab's Cilium agent runs cilium-dbg, hubble and tcpdump; \"{program}\" is not available there");
            return 126;
        }
        var code = await tool.RunAsync(context.With(command.Skip(1).ToList(), agent));
        if (code != 0)
        {
            await context.Stderr.WriteLineAsync($"command terminated with exit code {code}");
        }
        return code;
    }
}
