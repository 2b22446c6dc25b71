using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Cilium;

/// <summary>
/// <c>cilium-dbg</c> as run in the agent (<c>kubectl -n kube-system exec ds/cilium -- cilium-dbg ...</c>): parses the
/// subcommands labs use and answers from the cluster's <see cref="IClusterInspector"/> in Cilium's formats: lists and
/// maps here, <c>status</c>, <c>policy get</c> and <c>monitor</c> in their own files. What the inspector cannot
/// answer says so plainly, with status 1 — never invented data.
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
        ["bpf auth list"] = "the auth map: identity pairs authenticated by mutual TLS, with their expiration",
        ["service list"] = "services and their backends",
        ["fqdn cache list"] = "names the DNS proxy saw answered, with their IPs and TTL",
        ["node list"] = "the cluster's nodes with their addresses and pod CIDRs",
        ["monitor"] = "datapath events",
        ["bgp peers"] = "BGP sessions of this node's speaker",
        ["bgp routes"] = "routes in the speaker's RIBs (available, or advertised to peers)",
        ["encrypt status"] = "transparent encryption: mode, keys in use, sequence numbers, XFRM errors",
    };

    public string Name => "cilium-dbg";

    public string Summary => "the Cilium agent's debug CLI (endpoint list, identity list, bpf policy get ...)";

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
        var rest = context.Args.Skip(match.Split(' ').Length).ToList();
        try
        {
            if (context.Inspector is { } inspector && await AnswerAsync(context, inspector, match, rest) is { } status)
            {
                return status;
            }
        }
        catch (ClusterException e)
        {
            // a cluster that cannot answer (kind: no Cilium agent pod on the node) says why, as cilium-dbg prints an API error
            await context.Stderr.WriteLineAsync($"Error: {e.Message}");
            return 1;
        }
        await context.Stderr.WriteLineAsync($"not available in this cluster yet: cilium-dbg {match} ({Subcommands[match]})");
        return 1;
    }

    /// <summary>The subcommands the inspector answers; null for the others.</summary>
    private static async Task<int?> AnswerAsync(CommandContext context, IClusterInspector inspector, string command, List<string> rest)
    {
        var ct = context.Cancellation;
        switch (command)
        {
            case "endpoint list":
                return await ListAsync(context, rest, async () => await inspector.GetEndpointsAsync(ct), EndpointModel.ToText, CiliumDbgJson.WriteEndpoints);
            case "identity list":
                return await ListAsync(context, rest, async () => await inspector.GetIdentitiesAsync(ct), IdentityModel.ToText, CiliumDbgJson.WriteIdentities);
            case "bpf ipcache list":
                return await ListAsync(context, rest, async () => await inspector.GetIpcacheAsync(ct), IpcacheEntry.ToText, CiliumDbgJson.WriteIpcache);
            case "bpf ct list":
                foreach (var entry in await inspector.GetConntrackAsync(ct))
                {
                    await context.Stdout.WriteLineAsync(entry.ToText());
                }
                return 0;
            case "service list":
                return await ListAsync(context, rest, async () => await inspector.GetServicesAsync(ct), ServiceModel.ToText, CiliumDbgJson.WriteServices);
            case "bpf lb list":
                await context.Stdout.WriteAsync(ServiceModel.ToLbText(await inspector.GetServicesAsync(ct)));
                return 0;
            case "bpf policy get":
                return await PolicyGetAsync(context, inspector, rest);
            case "bpf auth list":
                return await AuthListAsync(context, inspector, rest);
            case "status":
                return await StatusSubcommand.RunAsync(context, inspector, rest);
            case "policy get":
                return await PolicyGetSubcommand.RunAsync(context, inspector, rest);
            case "monitor":
                return await MonitorSubcommand.RunAsync(context, inspector, rest);
            case "fqdn cache list":
                return await FqdnCacheSubcommand.RunAsync(context, inspector, rest);
            case "node list":
                await context.Stdout.WriteAsync(NodeListEntry.ToText(NodeListEntry.FromNodes(
                    await context.Session.Cluster!.GetAsync(new Clusters.Contract.ObjectQuery("nodes"), ct))));
                return 0;
            case "encrypt status":
                return await EncryptStatusAsync(context, inspector, rest);
            case "bgp peers":
                return await Bgp.BgpSubcommands.PeersAsync(context, inspector, rest, agentView: true);
            case "bgp routes":
                return await Bgp.BgpSubcommands.RoutesAsync(context, inspector, rest, agentView: true);
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>bpf auth list [-o json]</c>: Cilium's columns. Cilium keeps one auth map per node; with several nodes the lab
    /// prints each node's under a <c>Node: NAME</c> line, as <c>kubectl exec</c> into each node's agent would show them.
    /// </summary>
    private static async Task<int?> AuthListAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        var (json, error) = OutputFlag.Take(args);
        if (error is not null || args.Count > 0)
        {
            await context.Stderr.WriteLineAsync($"Error: {error ?? $"unknown argument \"{args[0]}\""}");
            return 1;
        }
        if (await inspector.GetAuthEntriesAsync(context.Cancellation) is not { } entries)
        {
            return null; // not available: the caller says so
        }
        if (json)
        {
            await context.Stdout.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(entries.Select(e => new
            {
                key = new { local_identity = e.LocalIdentity, remote_identity = e.RemoteIdentity, remote_node_id = e.RemoteNodeId, auth_type = e.AuthType },
                value = new { expiration = e.Expiration.ToUnixTimeSeconds() },
            }), s_indented));
            return 0;
        }
        var nodes = entries.Select(e => e.Node).Distinct().ToList();
        if (nodes.Count <= 1)
        {
            await context.Stdout.WriteAsync(AuthEntryModel.ToText(entries));
            return 0;
        }
        foreach (var node in nodes)
        {
            await context.Stdout.WriteLineAsync($"Node: {node}");
            await context.Stdout.WriteAsync(AuthEntryModel.ToText(entries.Where(e => e.Node == node)));
        }
        return 0;
    }

    private static readonly System.Text.Json.JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>A list command with Cilium's table, or with <c>-o json</c> the JSON of its Go models (what the kind backend reads from a real agent).</summary>
    private static async Task<int> ListAsync<T>(CommandContext context, List<string> args, Func<Task<IReadOnlyList<T>>> read, Func<IEnumerable<T>, string> text, Func<IEnumerable<T>, string> json)
    {
        var (asJson, error) = OutputFlag.Take(args);
        if (error is not null)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}");
            return 1;
        }
        var items = await read();
        await context.Stdout.WriteAsync(asJson ? json(items) + "\n" : text(items));
        return 0;
    }

    /// <summary>
    /// <c>encrypt status [-o json]</c>: the first node's status, as <c>kubectl exec ds/cilium</c> reaches the first
    /// agent; <c>--node NAME</c> picks another node (the lab shell's stand-in for exec'ing into that node's agent pod).
    /// </summary>
    private static async Task<int> EncryptStatusAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        var (json, error) = OutputFlag.Take(args);
        string? node = null;
        var at = args.IndexOf("--node");
        if (error is null && at >= 0)
        {
            node = at + 1 < args.Count ? args[at + 1] : null;
            error = node is null ? "--node needs a node name (kubectl get nodes lists them)" : null;
            args.RemoveRange(at, node is null ? 1 : 2);
        }
        error ??= args.Count > 0 ? $"unknown flag: {args[0]}" : null;
        if (error is not null)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}");
            return 1;
        }
        if (await inspector.GetEncryptionStatusAsync(context.Cancellation) is not { Count: > 0 } nodes)
        {
            return await NotAvailableAsync(context, "encrypt status");
        }
        if ((node is null ? nodes[0] : nodes.FirstOrDefault(n => n.Node == node)) is not { } status)
        {
            var names = string.Join(", ", nodes.Select(n => n.Node));
            await context.Stderr.WriteLineAsync($"Error: no node \"{node}\" (nodes: {names})");
            return 1;
        }
        await context.Stdout.WriteAsync(json ? status.ToJson() : status.ToText());
        return 0;
    }

    private static async Task<int> NotAvailableAsync(CommandContext context, string command)
    {
        await context.Stderr.WriteLineAsync($"not available in this cluster yet: cilium-dbg {command} ({Subcommands[command]})");
        return 1;
    }

    /// <summary><c>bpf policy get &lt;endpoint&gt; [-n] [-o json]</c> or <c>--all</c>.</summary>
    private static async Task<int> PolicyGetAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        var numeric = args.Remove("-n") | args.Remove("--numeric");
        var (json, error) = OutputFlag.Take(args);
        if (error is not null)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}");
            return 1;
        }
        var all = args.Remove("--all");
        var ct = context.Cancellation;
        List<ushort> ids;
        if (all)
        {
            ids = (await inspector.GetEndpointsAsync(ct)).Select(e => e.Id).Order().ToList();
        }
        else if (args.Count == 1 && ushort.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            ids = [id];
        }
        else
        {
            await context.Stderr.WriteLineAsync("Error: Please specify the endpoint ID (cilium-dbg endpoint list shows them), or --all");
            return 1;
        }
        var identities = numeric ? null : (await inspector.GetIdentitiesAsync(ct)).ToDictionary(i => i.Id, i => i.Labels);
        Func<uint, IReadOnlyList<string>>? labelsOf = identities is null ? null : n => identities.TryGetValue(n, out var l) ? l : [n.ToString(CultureInfo.InvariantCulture)];
        foreach (var endpoint in ids)
        {
            var dump = await inspector.GetPolicyMapAsync(endpoint, ct);
            if (dump is null)
            {
                await context.Stderr.WriteLineAsync($"Error: Unable to get policy map for endpoint {endpoint}: no such endpoint");
                return 1;
            }
            if (all)
            {
                await context.Stdout.WriteLineAsync($"Endpoint ID: {endpoint}");
            }
            await context.Stdout.WriteAsync(json ? dump.ToJson() + "\n" : dump.ToText(labelsOf));
        }
        return 0;
    }
}
