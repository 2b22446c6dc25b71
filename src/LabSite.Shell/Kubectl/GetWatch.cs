using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl get KIND [NAME...] -w|--watch-only [--output-watch-events]</c>. The cluster contract has no watch API,
/// so this lists the objects every <see cref="PollInterval"/> and turns the differences (by uid, then resourceVersion)
/// into ADDED / MODIFIED / DELETED events, printed as kubectl prints watch events (see <see cref="WatchPrinter"/>).
/// Ctrl-C cancels the line, which the interpreter reports as status 130, as kubectl's interrupt does.
/// </summary>
internal static class GetWatch
{
    /// <summary>How often the cluster is listed: a change shows within this time, and polling stays cheap.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    /// <summary>An API server ends a watch after 30 to 60 minutes and kubectl exits; the lab shell stops after an hour.</summary>
    private static readonly int s_maxPolls = (int)(TimeSpan.FromHours(1) / PollInterval);

    public static async Task<int> RunAsync(KubectlRun run)
    {
        var (kind, names) = Target(run.Flags.Positionals);
        var printer = new WatchPrinter(run, kind, OutputFormat.Parse(run.Flags.Value("output")));
        var selector = run.Flags.Value("selector");
        var known = new Dictionary<string, KubeObject>();

        var initial = await ListAsync(run, kind, selector, names);
        if (names.FirstOrDefault(n => initial.All(o => o.Name != n)) is { } missing)
        {
            throw KubectlRun.NotFound(kind, missing);
        }
        foreach (var o in initial)
        {
            known[Key(o)] = o;
            if (!run.Flags.Has("watch-only"))
            {
                await printer.PrintAsync(WatchEvent.Added, o);
            }
        }

        for (var poll = 0; poll < s_maxPolls; poll++)
        {
            await Task.Delay(PollInterval, run.Context.Session.Clock, run.Cancellation);
            var seen = new HashSet<string>();
            foreach (var o in await ListAsync(run, kind, selector, names))
            {
                var key = Key(o);
                seen.Add(key);
                if (!known.TryGetValue(key, out var before))
                {
                    await printer.PrintAsync(WatchEvent.Added, o);
                }
                else if (Changed(before, o))
                {
                    await printer.PrintAsync(WatchEvent.Modified, o);
                }
                known[key] = o;
            }
            foreach (var key in known.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                // kubectl prints a deleted object as it last was.
                await printer.PrintAsync(WatchEvent.Deleted, known[key]);
                known.Remove(key);
            }
        }
        return 0;
    }

    /// <summary>One kind (kubectl watches a single resource type), with the names given, if any.</summary>
    private static (ResourceKind Kind, List<string> Names) Target(List<string> positionals)
    {
        if (positionals.Count == 0)
        {
            throw new KubectlException("error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.");
        }
        if (positionals.Any(p => p.Contains('/')))
        {
            if (positionals.Any(p => !p.Contains('/')))
            {
                throw new KubectlException($"error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
            }
            var named = positionals.Select(p => KubectlRun.KindAndName(p, ResourceKinds.Pod)).ToList();
            if (named.Select(n => n.Kind).Distinct().Count() > 1)
            {
                throw new KubectlException("error: watch is only supported on individual resources and resource collections - more than 1 resource was found");
            }
            return (named[0].Kind, named.Select(n => n.Name).Distinct().ToList());
        }
        var kinds = positionals[0].Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (kinds.Length != 1 || kinds[0] == "all")
        {
            throw new KubectlException("error: you may only specify a single resource type");
        }
        return (KubectlRun.Kind(kinds[0]), positionals.Skip(1).Distinct().ToList());
    }

    private static async Task<List<KubeObject>> ListAsync(KubectlRun run, ResourceKind kind, string? selector, List<string> names)
    {
        if (names.Count == 1)
        {
            return (await run.ListAsync(kind, selector, names[0])).Where(o => o.Name == names[0]).ToList();
        }
        var all = await run.ListAsync(kind, selector);
        return names.Count == 0 ? all : all.Where(o => names.Contains(o.Name)).ToList();
    }

    /// <summary>The uid, so a pod deleted and made again under its name shows as DELETED then ADDED.</summary>
    private static string Key(KubeObject o) => (string?)o.Json["metadata"]?["uid"] is { Length: > 0 } uid ? uid : $"{o.Namespace}/{o.Name}";

    /// <summary>A new resourceVersion, as the API server sends MODIFIED; objects without one are compared whole.</summary>
    private static bool Changed(KubeObject before, KubeObject after)
    {
        var (was, now) = ((string?)before.Json["metadata"]?["resourceVersion"], (string?)after.Json["metadata"]?["resourceVersion"]);
        return was is not null && now is not null ? was != now : !JsonNode.DeepEquals(before.Json, after.Json);
    }
}
