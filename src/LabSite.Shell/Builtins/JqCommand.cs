namespace LabSite.Shell.Builtins;

/// <summary>
/// <c>jq</c>: the real /usr/bin/jq, fed from stdin only. Options that read files or module paths
/// (<c>-f</c>, <c>--slurpfile</c>, <c>--rawfile</c>, <c>-L</c>, file operands) and filters that load modules
/// (<c>import</c>, <c>include</c>) are refused; the process gets an empty environment, so <c>env</c> reveals nothing.
/// </summary>
public sealed class JqCommand : BuiltinCommand
{
    private static readonly HashSet<string> s_switches =
    [
        "-r", "--raw-output", "-j", "--join-output", "-c", "--compact-output", "-s", "--slurp", "-n", "--null-input",
        "-e", "--exit-status", "-S", "--sort-keys", "-a", "--ascii-output", "-M", "--monochrome-output",
        "-C", "--color-output", "-R", "--raw-input", "--tab", "--seq", "--stream",
    ];

    /// <summary>Options followed by this many values.</summary>
    private static readonly Dictionary<string, int> s_withValues = new() { ["--arg"] = 2, ["--argjson"] = 2, ["--indent"] = 1 };

    public override string Name => "jq";

    public override string Summary => "filter JSON from stdin with the real jq (e.g. kubectl get pods -o json | jq '.items[].metadata.name')";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new List<string>();
        string? filter = null;
        for (var i = 0; i < context.Args.Count; i++)
        {
            var arg = context.Args[i];
            if (filter is null && arg.StartsWith('-') && arg.Length > 1)
            {
                if (s_withValues.TryGetValue(arg, out var count))
                {
                    if (i + count >= context.Args.Count)
                    {
                        throw new UsageException($"jq: {arg} takes {count} value(s)");
                    }
                    args.AddRange(context.Args.Skip(i).Take(count + 1));
                    i += count;
                    continue;
                }
                if (s_switches.Contains(arg) || (arg.Length > 2 && arg[1] != '-' && arg[1..].All(c => s_switches.Contains("-" + c))))
                {
                    args.Add(arg);
                    continue;
                }
                throw new UsageException($"jq: option {arg} is not available in the lab shell (jq reads stdin only here)");
            }
            if (filter is not null)
            {
                throw new UsageException($"jq: file operand '{arg}' is not available in the lab shell; pipe the JSON in: cat {arg} | jq '{filter}'");
            }
            filter = arg;
        }
        filter ??= ".";
        if (LoadsModules(filter))
        {
            throw new UsageException("jq: import and include are not available in the lab shell");
        }
        // No "--" before the filter: jq 1.6 (Debian's) does not accept it. The filter cannot start with "-" here, as
        // every leading "-" word was taken as an option above.
        args.Add(filter);
        var stdin = await context.Stdin.ReadToEndAsync(context.Cancellation);
        var result = await context.Session.Tools.RunAsync(AllowedTool.Jq, args, stdin, context.Cancellation);
        await context.Stdout.WriteAsync(result.Stdout);
        await context.Stderr.WriteAsync(result.Stderr);
        return result.ExitCode;
    }

    private static bool LoadsModules(string filter) =>
        System.Text.RegularExpressions.Regex.IsMatch(filter, @"(^|[^A-Za-z0-9_$])(import|include|modulemeta|get_search_list|\$__prog_args)([^A-Za-z0-9_]|$)");
}
