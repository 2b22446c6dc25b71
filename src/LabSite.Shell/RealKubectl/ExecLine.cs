namespace LabSite.Shell.RealKubectl;

/// <summary>
/// The parts of <c>kubectl [flags] exec [flags] TARGET -- COMMAND...</c> the lab shell acts on itself (exec into the
/// lab's Cilium or Tetragon agent, <c>exec -it</c> at the lab terminal); every other line goes to the real kubectl as typed.
/// </summary>
internal sealed record ExecLine(string Target, IReadOnlyList<string> Command, string? Namespace, string? Container, bool Stdin, bool Tty)
{
    /// <summary>Flags of kubectl and exec that take the next word as their value.</summary>
    private static readonly HashSet<string> s_valueFlags = new(StringComparer.Ordinal)
    {
        "-n", "--namespace", "-c", "--container", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
        "--token", "--as", "--as-group", "--as-uid", "--request-timeout", "-v", "--v", "--pod-running-timeout", "-f", "--filename",
    };

    /// <summary>The exec line in <paramref name="args"/> (what follows <c>kubectl</c>); null when it is not <c>exec TARGET -- COMMAND...</c>.</summary>
    public static ExecLine? Parse(IReadOnlyList<string> args)
    {
        var dash = args.ToList().IndexOf("--");
        if (dash < 0 || dash == args.Count - 1)
        {
            return null;
        }
        var positionals = new List<string>();
        string? ns = null, container = null;
        bool stdin = false, tty = false;
        for (var i = 0; i < dash; i++)
        {
            var word = args[i];
            if (s_valueFlags.Contains(word))
            {
                var value = i + 1 < dash ? args[++i] : null;
                Remember(word, value);
            }
            else if (word.StartsWith("--", StringComparison.Ordinal) && word.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                Remember(word[..eq], word[(eq + 1)..]);
            }
            else if (word is "-i" or "--stdin" or "--stdin=true")
            {
                stdin = true;
            }
            else if (word is "-t" or "--tty" or "--tty=true")
            {
                tty = true;
            }
            else if (word is "-it" or "-ti")
            {
                (stdin, tty) = (true, true);
            }
            else if (!word.StartsWith('-'))
            {
                positionals.Add(word);
            }
        }
        return positionals is ["exec", var target] ? new ExecLine(target, args.Skip(dash + 1).ToList(), ns, container, stdin, tty) : null;

        void Remember(string flag, string? value)
        {
            if (flag is "-n" or "--namespace")
            {
                ns = value;
            }
            else if (flag is "-c" or "--container")
            {
                container = value;
            }
        }
    }
}
