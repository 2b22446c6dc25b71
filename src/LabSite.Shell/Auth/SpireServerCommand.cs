using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Auth;

/// <summary>
/// <c>spire-server entry show|delete|create</c> for the lab's mutual authentication, whose CA stands in for SPIRE: an
/// identity's registration entry (SPIFFE ID <c>spiffe://spiffe.cilium/identity/ID</c>, as Cilium's operator creates
/// them) can be deleted, which revokes the identity (no certificate, its auth map entries removed, its traffic drops
/// again), and created again. Entries are named by <c>-entryID</c> (as SPIRE), <c>-spiffeID</c>, or <c>-selector</c>
/// with an identity label such as <c>k8s:class=tiefighter</c> (LabSite's addition: SPIRE's entries for Cilium carry the
/// selector <c>cilium:mutual-auth</c>, and a lab cannot know identity numbers in advance).
/// </summary>
public sealed class SpireServerCommand : IShellCommand
{
    private const string Usage = "Usage: spire-server entry show [-spiffeID ID] [-selector k8s:LABEL=VALUE]... | entry delete (-entryID ID | -spiffeID ID | -selector k8s:LABEL=VALUE...) | entry create (-spiffeID ID | -selector k8s:LABEL=VALUE...)";

    public string Name => "spire-server";

    public string Summary => "the lab's SPIRE stand-in: entry show, entry delete (revoke an identity), entry create";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count < 2 || args[0] != "entry" || args[1] is not ("show" or "delete" or "create"))
        {
            await context.Stderr.WriteLineAsync(Usage);
            return 1;
        }
        if (context.Session.Cluster is not IClusterInspector inspector)
        {
            await context.Stderr.WriteLineAsync("Error: this cluster offers no inspection");
            return 1;
        }
        if (Flags(args.Skip(2).ToList(), out var error) is not { } flags)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}\n{Usage}");
            return 1;
        }
        var ct = context.Cancellation;
        var entries = await inspector.GetSpireEntriesAsync(ct);
        if (entries is null)
        {
            await context.Stderr.WriteLineAsync("Error: this lab runs no mutual authentication (no SPIRE server)");
            return 1;
        }
        uint? identity = null;
        if (flags.SpiffeId is { } spiffeId)
        {
            identity = SpireEntryModel.IdentityOf(spiffeId);
            if (identity is null)
            {
                await context.Stderr.WriteLineAsync($"Error: \"{Clip(spiffeId)}\" is not a Cilium identity's SPIFFE ID ({SpireEntryModel.SpiffeIdOf(0)[..^1]}ID)");
                return 1;
            }
        }
        if (flags.EntryId is { } entryId)
        {
            identity = entries.FirstOrDefault(e => e.EntryId == entryId)?.Identity;
            if (identity is null)
            {
                await context.Stderr.WriteLineAsync($"Error: no such registration entry \"{Clip(entryId)}\"");
                return 1;
            }
        }
        if (args[1] == "show")
        {
            var shown = entries.Where(e => (identity is null || e.Identity == identity)
                && flags.Selectors.All(s => e.Labels.Contains(s, StringComparer.Ordinal))).ToList();
            await context.Stdout.WriteAsync(SpireEntryModel.ToText(shown));
            return 0;
        }
        if (identity is null && flags.Selectors.Count == 0)
        {
            await context.Stderr.WriteLineAsync($"Error: entry {args[1]} needs -entryID, -spiffeID or -selector\n{Usage}");
            return 1;
        }
        IReadOnlyList<SpireEntryModel>? changed;
        try
        {
            changed = await inspector.ChangeSpireEntriesAsync(new SpireEntryChange(args[1] == "create", identity, identity is null ? flags.Selectors : null), ct);
        }
        catch (ClusterException e)
        {
            await context.Stderr.WriteLineAsync($"Error: {e.Message}");
            return 1;
        }
        if (changed is null || changed.Count == 0)
        {
            await context.Stderr.WriteLineAsync(args[1] == "delete"
                ? "Error: no registration entry matched (already deleted? spire-server entry show lists them)"
                : "Error: no deleted registration entry matched (entries that exist need no create)");
            return 1;
        }
        foreach (var e in changed)
        {
            await context.Stdout.WriteLineAsync(args[1] == "delete" ? $"Deleted entry with ID: {e.EntryId}" : $"Entry ID         : {e.EntryId}\nSPIFFE ID        : {e.SpiffeId}\n");
        }
        return 0;
    }

    private sealed record Parsed(string? SpiffeId, string? EntryId, List<string> Selectors);

    private static Parsed? Flags(List<string> args, out string? error)
    {
        string? spiffeId = null, entryId = null;
        var selectors = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i].TrimStart('-');
            if (!args[i].StartsWith('-') || flag is not ("spiffeID" or "entryID" or "selector"))
            {
                error = $"unknown argument \"{Clip(args[i])}\"";
                return null;
            }
            if (i + 1 >= args.Count)
            {
                error = $"-{flag} needs a value";
                return null;
            }
            var value = args[++i];
            switch (flag)
            {
                case "spiffeID":
                    spiffeId = value;
                    break;
                case "entryID":
                    entryId = value;
                    break;
                default:
                    if (selectors.Count == 16 || value.Length is 0 or > 256)
                    {
                        error = "at most 16 selectors of at most 256 characters";
                        return null;
                    }
                    selectors.Add(value);
                    break;
            }
        }
        if (spiffeId is not null && entryId is not null)
        {
            error = "give -entryID or -spiffeID, not both";
            return null;
        }
        error = null;
        return new Parsed(spiffeId, entryId, selectors);
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
