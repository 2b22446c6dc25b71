using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Gc;

/// <summary>
/// Finds what a crashed agent left behind: namespaces named <c>&lt;prefix&gt;-&lt;lab&gt;-…</c>, bpffs folders,
/// cgroups and run folders under this backend's roots whose lab no live cluster owns, and removes them.
/// Objects of other prefixes and roots (another agent, a test) are never touched.
/// </summary>
internal static class GarbageCollector
{
    public static async Task<GarbageReport> CollectAsync(NetnsOptions options, IReadOnlySet<string> liveLabs, CancellationToken ct)
    {
        var pattern = LabCleanup.NetnsPattern(options.NamePrefix);
        var labs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var n in LabCleanup.ListNetns())
        {
            if (pattern.Match(n) is { Success: true } m)
            {
                labs.Add(m.Groups[1].Value);
            }
        }

        foreach (var root in new[] { options.BpffsRoot, options.CgroupRoot, options.RunDirectory })
        {
            if (Directory.Exists(root))
            {
                foreach (var d in Directory.GetDirectories(root))
                {
                    labs.Add(Path.GetFileName(d));
                }
            }
        }

        var removed = new Dictionary<string, int> { ["netns"] = 0, ["link"] = 0, ["pin"] = 0, ["cgroup"] = 0, ["directory"] = 0 };
        foreach (var lab in labs.Where(l => !liveLabs.Contains(l)))
        {
            var r = await LabCleanup.RemoveAsync(new LabNames(options, lab), [], ct);
            removed["netns"] += r.Namespaces;
            removed["link"] += r.Links;
            removed["pin"] += r.Pins;
            removed["cgroup"] += r.Cgroups;
            removed["directory"] += r.Directories;
        }

        return new GarbageReport(removed);
    }
}
