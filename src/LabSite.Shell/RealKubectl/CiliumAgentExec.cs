namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl [-n kube-system] exec (ds/cilium | cilium-xxxxx) -- (cilium-dbg | hubble) ...</c>: the lab's Cilium agent is
/// the lab shell's own <c>cilium-dbg</c> and <c>hubble</c>, not a pod of the lab cluster, so such a line runs them here
/// with kubectl's output conventions.
/// </summary>
internal static class CiliumAgentExec
{
    /// <summary>Flags of kubectl and exec that take the next word as their value.</summary>
    private static readonly HashSet<string> s_valueFlags = new(StringComparer.Ordinal)
    {
        "-n", "--namespace", "-c", "--container", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
        "--token", "--as", "--as-group", "--as-uid", "--request-timeout", "-v", "--v", "--pod-running-timeout", "-f", "--filename",
    };

    /// <summary>The command to run in the Cilium agent, when the line is an exec into it; null otherwise.</summary>
    public static IReadOnlyList<string>? Find(IReadOnlyList<string> args)
    {
        var dash = args.ToList().IndexOf("--");
        if (dash < 0 || dash == args.Count - 1)
        {
            return null;
        }
        var positionals = new List<string>();
        for (var i = 0; i < dash; i++)
        {
            if (s_valueFlags.Contains(args[i]))
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                positionals.Add(args[i]);
            }
        }
        return positionals is ["exec", var target] && IsCiliumAgent(target) ? args.Skip(dash + 1).ToList() : null;
    }

    public static bool IsCiliumAgent(string target) =>
        target is "ds/cilium" or "daemonset/cilium" or "daemonsets/cilium" or "daemonset.apps/cilium" || target.StartsWith("cilium-", StringComparison.Ordinal)
        || target.StartsWith("pod/cilium-", StringComparison.Ordinal) || target.StartsWith("po/cilium-", StringComparison.Ordinal);

    public static async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> command)
    {
        var program = command[0];
        IShellCommand? tool = program switch
        {
            "cilium-dbg" or "cilium" => context.Session.Commands.GetValueOrDefault("cilium-dbg"),
            "hubble" => context.Session.Commands.GetValueOrDefault("hubble"),
            _ => null,
        };
        if (tool is null)
        {
            await context.Stderr.WriteLineAsync($"error: the lab's Cilium agent runs cilium-dbg and hubble; \"{program}\" is not available there");
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
