using LabSite.Clusters.Contract;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.Bpftool;

/// <summary>
/// <c>bpftool</c>: Debian's real /usr/sbin/bpftool, run as the site's user on the host, limited to read-only subcommands
/// (<see cref="BpftoolParser"/>) and to this lab's objects (<see cref="LabObjectGate"/>). The argv is always built here
/// from ids: what the learner typed never reaches bpftool except checked key bytes and dump modes. Listings run
/// bpftool host-wide once and keep only the lab's objects. Needs a cluster whose eBPF objects live on this host: run in
/// this process, or in the lab agent (whose unix socket makes it this host's too).
/// </summary>
public sealed class BpftoolCommand : BuiltinCommand
{
    public override string Name => "bpftool";

    public override string Summary => "inspect this lab's eBPF programs and maps with the real bpftool (bpftool map show; bpftool map dump name ls_ipcache)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        try
        {
            return await RunCheckedAsync(context);
        }
        catch (Exception e) when (e is InvalidOperationException or ClusterException)
        {
            // bpftool's listing could not be read (e.g. cut at the output limit on a host with very many labs), the lab
            // went away while we asked for its objects, or the agent says its backend has none.
            await context.Stderr.WriteLineAsync($"bpftool: {e.Message}");
            return 1;
        }
    }

    private async Task<int> RunCheckedAsync(CommandContext context)
    {
        var request = BpftoolParser.Parse(context.Args);
        if (request is null)
        {
            await context.Stdout.WriteAsync(BpftoolParser.Help);
            return 0;
        }
        if (request.IsVersion)
        {
            return await RunAsync(context, [.. request.Options, "version"]);
        }
        if (context.Session.Cluster is not IBpfObjects owner)
        {
            var cluster = context.Session.Cluster;
            await context.Stderr.WriteLineAsync($"bpftool: {(cluster is null ? "this lab has no cluster running yet; start the lab, then try again" : LabBpfObjects.NoneIn(cluster))}");
            return 1;
        }
        var lab = await owner.GetBpfObjectsAsync(context.Cancellation);
        var ownIds = lab.Ids(request.Kind);

        // One host-wide JSON listing serves name/tag selectors and JSON listings alike.
        IReadOnlyList<ListedObject>? listed = null;
        string? jsonListing = null;
        if (request.Selector?.By is "name" or "tag" || (request.IsShow && (request.Json || request.Pretty)))
        {
            var result = await context.Session.Tools.RunAsync(AllowedTool.Bpftool, request.ListArgv(json: true), "", context.Cancellation);
            if (result.ExitCode != 0)
            {
                await context.Stderr.WriteAsync(result.Stderr);
                return result.ExitCode;
            }
            jsonListing = result.Stdout;
            listed = BpftoolOutput.Listing(jsonListing);
        }

        var ids = request.Selector is { } selector ? LabObjectGate.Resolve(selector, request.Kind, lab, listed) : [.. ownIds.Order()];
        if (request.IsShow)
        {
            var keep = ids.ToHashSet();
            if (jsonListing is not null && (request.Json || request.Pretty))
            {
                await context.Stdout.WriteAsync(BpftoolOutput.FilterJson(jsonListing, keep, request.Pretty));
                return 0;
            }
            var text = await context.Session.Tools.RunAsync(AllowedTool.Bpftool, request.ListArgv(json: false), "", context.Cancellation);
            await context.Stdout.WriteAsync(BpftoolOutput.FilterText(text.Stdout, keep));
            await context.Stderr.WriteAsync(text.Stderr);
            return text.ExitCode;
        }
        if (ids.Count > 1)
        {
            throw new UsageException($"bpftool: {request.Selector} matches {ids.Count} of this lab's {request.KindWord}s (ids {string.Join(", ", ids)}); pick one by id");
        }
        return await RunAsync(context, request.ArgvFor(ids[0]));
    }

    private static async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> argv)
    {
        var result = await context.Session.Tools.RunAsync(AllowedTool.Bpftool, argv, "", context.Cancellation);
        await context.Stdout.WriteAsync(result.Stdout);
        await context.Stderr.WriteAsync(result.Stderr);
        return result.ExitCode;
    }
}
