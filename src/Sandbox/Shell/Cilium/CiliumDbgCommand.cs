namespace LabSite.Sandbox.Shell.Cilium;

/// <summary>
/// <c>cilium-dbg</c> as run in the agent (<c>kubectl -n kube-system exec ds/cilium -- cilium-dbg ...</c>): parses the
/// subcommands labs use and dispatches them. Their outputs need the cluster's inspection interface (endpoints,
/// identities, policy maps); until a backend offers it, each says plainly what is not available, with status 1.
/// </summary>
public sealed class CiliumDbgCommand : IShellCommand
{
    /// <summary>Known subcommands, as words (e.g. "bpf policy get"), with their one-line purpose.</summary>
    public static readonly IReadOnlyDictionary<string, string> Subcommands = new Dictionary<string, string>
    {
        ["status"] = "agent status",
        ["endpoint list"] = "endpoints with policy enforcement, identity, labels, IPs",
        ["endpoint get"] = "one endpoint as JSON",
        ["identity list"] = "numeric identities and their labels",
        ["identity get"] = "one identity",
        ["policy get"] = "the policy repository as JSON",
        ["policy selectors"] = "the selector cache",
        ["bpf policy get"] = "an endpoint's policy map entries",
        ["bpf endpoint list"] = "the endpoint map",
        ["bpf ipcache list"] = "the ipcache map (IP to identity)",
        ["bpf ct list"] = "connection tracking entries",
        ["bpf lb list"] = "service load-balancing entries",
        ["service list"] = "services and their backends",
        ["monitor"] = "datapath events",
    };

    public string Name => "cilium-dbg";

    public string Summary => "the Cilium agent's debug CLI (endpoint list, identity list, policy get, bpf policy get ...)";

    public async Task<int> RunAsync(CommandContext context)
    {
        var words = context.Args.TakeWhile(a => !a.StartsWith('-')).ToList();
        if (words.Count == 0 || words[0] is "help")
        {
            await context.Stdout.WriteLineAsync("CLI for interacting with the local Cilium Agent\n\nAvailable Commands:");
            foreach (var (name, purpose) in Subcommands)
            {
                await context.Stdout.WriteLineAsync($"  {name,-20} {purpose}");
            }
            return words.Count == 0 && context.Args.Count > 0 ? 1 : 0;
        }
        var match = Subcommands.Keys.Where(k => words.Take(k.Split(' ').Length).SequenceEqual(k.Split(' '))).OrderByDescending(k => k.Length).FirstOrDefault();
        if (match is null)
        {
            await context.Stderr.WriteLineAsync($"Error: unknown command \"{string.Join(' ', words)}\" for \"cilium-dbg\"");
            await context.Stderr.WriteLineAsync("Run 'cilium-dbg --help' for usage.");
            return 1;
        }
        await context.Stderr.WriteLineAsync($"not available in this cluster yet: cilium-dbg {match} ({Subcommands[match]})");
        return 1;
    }
}
