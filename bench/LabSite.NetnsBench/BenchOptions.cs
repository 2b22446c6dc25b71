using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>Options with a prefix and roots of their own, so a benchmark never touches a live agent's labs.</summary>
public static class BenchOptions
{
    public static NetnsOptions For(string prefix, int maxClusters = 100) => new()
    {
        NamePrefix = prefix,
        BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}",
        CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}",
        RunDirectory = $"/run/labsite-{prefix}",
        MaxClusters = maxClusters,
    };

    /// <summary>Removes the (empty) roots a benchmark created.</summary>
    public static void RemoveRoots(NetnsOptions o)
    {
        foreach (var root in new[] { o.BpffsRoot, o.CgroupRoot, o.RunDirectory })
        {
            if (Directory.Exists(root) && Directory.GetDirectories(root).Length == 0)
            {
                Directory.Delete(root);
            }
        }
    }
}
