namespace LabSite.Shell.RealKubectl;

/// <summary>
/// <c>kubectl [-n kube-system] exec (ds/cilium | cilium-xxxxx) -- (cilium-dbg | hubble) ...</c> and
/// <c>kubectl exec ds/tetragon -- tetra ...</c>: the lab's Cilium and Tetragon agents are the lab shell's own commands,
/// not pods of the lab cluster, so such a line runs them here with kubectl's output conventions.
/// </summary>
internal static class AgentPodExec
{
    /// <summary>Flags of kubectl and exec that take the next word as their value.</summary>
    private static readonly HashSet<string> s_valueFlags = new(StringComparer.Ordinal)
    {
        "-n", "--namespace", "-c", "--container", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
        "--token", "--as", "--as-group", "--as-uid", "--request-timeout", "-v", "--v", "--pod-running-timeout", "-f", "--filename",
    };

    /// <summary>Short flags of exec that ask for the keyboard or a terminal (<c>-i</c>, <c>-t</c>, <c>-it</c>).</summary>
    private static readonly HashSet<string> s_interactiveFlags = new(StringComparer.Ordinal)
    {
        "-i", "-t", "-it", "-ti", "--stdin", "--tty", "--stdin=true", "--tty=true",
    };

    /// <summary>The agent pod and the command to run in it, when the line is an exec into one; null otherwise.</summary>
    public static (string Target, IReadOnlyList<string> Command)? Find(IReadOnlyList<string> args) =>
        ExecLine(args) is ({ } target, { } command, _) && IsAgent(target) ? (target, command) : null;

    /// <summary>
    /// True when the line is <c>kubectl exec -i/-t POD -- ...</c>: typed at the lab terminal, such a session needs the
    /// terminal itself, which the lab shell hands over (the real kubectl runs on pipes, without one).
    /// </summary>
    public static bool IsInteractive(IReadOnlyList<string> args) => ExecLine(args) is (_, _, true);

    private static (string? Target, IReadOnlyList<string>? Command, bool Interactive) ExecLine(IReadOnlyList<string> args)
    {
        var dash = args.ToList().IndexOf("--");
        if (dash < 0 || dash == args.Count - 1)
        {
            return (null, null, false);
        }
        var positionals = new List<string>();
        var interactive = false;
        for (var i = 0; i < dash; i++)
        {
            if (s_valueFlags.Contains(args[i]))
            {
                i++;
            }
            else if (s_interactiveFlags.Contains(args[i]))
            {
                interactive = true;
            }
            else if (!args[i].StartsWith('-'))
            {
                positionals.Add(args[i]);
            }
        }
        return positionals is ["exec", var target] ? (target, args.Skip(dash + 1).ToList(), interactive) : (null, null, false);
    }

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
            ("tetra", true) => context.Session.Commands.GetValueOrDefault("tetra"),
            _ => null,
        };
        if (tool is null)
        {
            await context.Stderr.WriteLineAsync(tetragon
                ? $"error: the lab's Tetragon agent runs tetra; \"{program}\" is not available there"
                : $"error: the lab's Cilium agent runs cilium-dbg and hubble; \"{program}\" is not available there");
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
