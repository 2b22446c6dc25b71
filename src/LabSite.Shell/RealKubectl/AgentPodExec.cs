namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl [-n kube-system] exec (ds/cilium | cilium-xxxxx) -- (cilium-dbg | hubble | tcpdump) ...</c> and
/// <c>kubectl exec ds/tetragon -- tetra ...</c>: the lab's Cilium and Tetragon agents are the lab shell's own commands,
/// not pods of the lab cluster, so such a line runs them here with kubectl's output conventions.
/// </summary>
internal static class AgentPodExec
{
    public static bool IsAgent(string target) => IsAgent(target, "cilium") || IsAgent(target, "tetragon");

    private static bool IsAgent(string target, string daemonSet) =>
        target == $"ds/{daemonSet}" || target == $"daemonset/{daemonSet}" || target == $"daemonsets/{daemonSet}"
        || target == $"daemonset.apps/{daemonSet}" || target.StartsWith($"{daemonSet}-", StringComparison.Ordinal)
        || target.StartsWith($"pod/{daemonSet}-", StringComparison.Ordinal) || target.StartsWith($"po/{daemonSet}-", StringComparison.Ordinal);

    public static async Task<int> RunAsync(CommandContext context, string target, IReadOnlyList<string> command)
    {
        var program = command[0];
        var tetragon = IsAgent(target, "tetragon");
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
        var code = await tool.RunAsync(context.With(command.Skip(1).ToList()));
        if (code != 0)
        {
            await context.Stderr.WriteLineAsync($"command terminated with exit code {code}");
        }
        return code;
    }
}
