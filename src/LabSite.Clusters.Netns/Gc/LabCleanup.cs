using System.Text.RegularExpressions;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Gc;

/// <summary>
/// Removes a lab's kernel objects and files in the order the kernel needs: processes in its cgroup are
/// killed (cgroup.kill), namespaces deleted (taking veths and routes with them), the cgroup removed
/// (detaching its programs), then pins and generated files. Used by destroy and by garbage collection.
/// </summary>
internal static partial class LabCleanup
{
    public sealed record Removed(int Namespaces, int Links, int Pins, int Cgroups, int Directories);

    /// <summary>Names of a lab's namespaces: <c>&lt;prefix&gt;-&lt;lab&gt;-node</c>, <c>-node&lt;n&gt;</c>, <c>-underlay</c>, <c>-rtr</c> (its BGP router) or <c>-p&lt;n&gt;</c>; the lab part is group 1.</summary>
    public static Regex NetnsPattern(string prefix) => new($"^{Regex.Escape(prefix)}-([a-z0-9][a-z0-9-]*)-(node[0-9]*|underlay|rtr|p[0-9]+)$");

    public static async Task<Removed> RemoveAsync(LabNames names, IEnumerable<string> knownNetns, CancellationToken ct)
    {
        await KillCgroupAsync(names.CgroupDirectory, ct);
        var pattern = NetnsPattern(names.Prefix);
        var netns = knownNetns.Append(names.NodeNetns)
            .Concat(ListNetns().Where(n => pattern.Match(n) is { Success: true } m && m.Groups[1].Value == names.Lab))
            .Distinct()
            .Where(n => File.Exists(LabNames.NetnsPath(n)))
            .ToList();
        var links = File.Exists(LabNames.NetnsPath(names.NodeNetns)) ? await CountLinksAsync(names.NodeNetns, ct) : 0;
        await LabNetwork.DeleteNamespacesAsync(netns, ct);
        var cgroups = RemoveCgroup(names.CgroupDirectory) ? 1 : 0;
        var pins = RemoveTree(names.BpffsDirectory);
        var dirs = Directory.Exists(names.RunDirectory) ? 1 : 0;
        RemoveTree(names.RunDirectory);
        return new Removed(netns.Count, links, pins, cgroups, dirs);
    }

    public static IReadOnlyList<string> ListNetns() =>
        Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).OfType<string>().ToList() : [];

    /// <summary>Pod-facing veths in a node namespace (each pair's other end goes with it).</summary>
    private static async Task<int> CountLinksAsync(string netns, CancellationToken ct)
    {
        var r = await CommandRunner.RunAsync("ip", ["-n", netns, "-o", "link", "show"], null, ct);
        return r.StandardOutput.Split('\n').Count(l => l.Contains(": lxc", StringComparison.Ordinal));
    }

    private static async Task KillCgroupAsync(string cgroup, CancellationToken ct)
    {
        var procs = Path.Combine(cgroup, "cgroup.procs");
        if (!File.Exists(procs))
        {
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(cgroup, "cgroup.kill"), "1", ct);
        // Bounded wait: killed processes leave the cgroup within milliseconds.
        for (var i = 0; i < 100 && (await File.ReadAllTextAsync(procs, ct)).Trim().Length > 0; i++)
        {
            await Task.Delay(20, ct);
        }
    }

    private static bool RemoveCgroup(string cgroup)
    {
        if (!Directory.Exists(cgroup))
        {
            return false;
        }

        // A cgroup directory is removed with rmdir alone; its control files are not real files.
        Directory.Delete(cgroup);
        return true;
    }

    /// <summary>Deletes a directory tree (bpffs pins or plain files); returns how many files went.</summary>
    private static int RemoveTree(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }

        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories);
        foreach (var f in files)
        {
            File.Delete(f);
        }

        foreach (var d in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            Directory.Delete(d);
        }

        Directory.Delete(dir);
        return files.Length;
    }
}
