namespace LabSite.Sandbox.Shell.Hubble;

/// <summary>
/// <c>hubble observe</c> / <c>hubble status</c>: parses the filters labs use (--pod, --namespace, --verdict, --protocol,
/// --type, --last, --follow, -o) and says what is not available until the cluster offers flows through the
/// inspection interface. Never prints invented flows.
/// </summary>
public sealed class HubbleCommand : IShellCommand
{
    static readonly HashSet<string> ValueFlags =
    [
        "--pod", "--from-pod", "--to-pod", "--namespace", "-n", "--verdict", "--protocol", "--type", "-t", "--last",
        "--label", "-l", "--from-label", "--to-label", "--port", "--to-port", "--from-port", "--ip", "--from-ip", "--to-ip",
        "--identity", "--from-identity", "--to-identity", "--http-method", "--http-path", "--http-status", "-o", "--output",
        "--since", "--until", "--traffic-direction", "--drop-reason-desc",
    ];

    static readonly HashSet<string> BoolFlags = ["--follow", "-f", "--all", "--print-raw-filters", "--not", "-A", "--all-namespaces"];

    public string Name => "hubble";

    public string Summary => "observe network flows (hubble observe --pod deathstar --verdict DROPPED)";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            await context.Stdout.WriteLineAsync("Hubble is a utility to observe and inspect recent Cilium routed traffic in a cluster.\n\nAvailable Commands:\n  observe     Observe flows\n  status      Display status of Hubble server");
            return 0;
        }
        switch (args[0])
        {
            case "observe":
                var rest = args.Skip(1).ToList();
                if (rest.FirstOrDefault() == "flows")
                {
                    rest.RemoveAt(0);
                }
                for (var i = 0; i < rest.Count; i++)
                {
                    var flag = rest[i].Contains('=') ? rest[i][..rest[i].IndexOf('=')] : rest[i];
                    if (ValueFlags.Contains(flag))
                    {
                        if (!rest[i].Contains('=') && ++i >= rest.Count)
                        {
                            await context.Stderr.WriteLineAsync($"Error: flag needs an argument: {flag}");
                            return 1;
                        }
                        continue;
                    }
                    if (!BoolFlags.Contains(flag))
                    {
                        await context.Stderr.WriteLineAsync($"Error: unknown flag: {flag}");
                        return 1;
                    }
                }
                await context.Stderr.WriteLineAsync("not available in this cluster yet: hubble observe (flows)");
                return 1;
            case "status":
                await context.Stderr.WriteLineAsync("not available in this cluster yet: hubble status");
                return 1;
            default:
                await context.Stderr.WriteLineAsync($"Error: unknown command \"{args[0]}\" for \"hubble\"");
                return 1;
        }
    }
}
