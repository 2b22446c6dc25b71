using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Gc;

/// <summary>
/// A child process hosts three Star Wars labs (with a running exec each) and is SIGKILLed; garbage
/// collection by a fresh backend then leaves no namespace, link, pin, cgroup or file of that prefix.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class GarbageCollectionPrivilegedTests
{
    [Fact]
    public async Task CrashLeftoversAreAllRemoved()
    {
        var options = NetnsTestLabs.Options();
        var child = StartChild(options.NamePrefix);
        try
        {
            // Bounded: the child prints READY after creating its labs (a few hundred ms each).
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(line == "READY", $"child said \"{line}\": {await ReadErrorAsync(child)}");
        }
        finally
        {
            child.Kill(); // SIGKILL: no cleanup code of the child runs.
            await child.WaitForExitAsync();
        }

        Assert.Equal(15, Leftovers(options).Namespaces); // 3 labs x (node + 4 pods)
        Assert.True(Leftovers(options).Pins > 0);
        Assert.Equal(3, Leftovers(options).Cgroups);

        var backend = new NetnsBackend(options);
        GarbageReport report;
        try
        {
            report = await backend.StartAsync(CancellationToken.None);
        }
        catch
        {
            await backend.CollectGarbageAsync(CancellationToken.None);
            throw;
        }

        Assert.Equal(15, report.Removed["netns"]);
        Assert.Equal(12, report.Removed["link"]);
        Assert.Equal(3, report.Removed["cgroup"]);
        Assert.True(report.Removed["pin"] >= 12, $"pins removed: {report.Removed["pin"]}");
        var after = Leftovers(options);
        Assert.Equal(new LeftoverCount(0, 0, 0, 0), after);
        Assert.DoesNotContain("labsite:held", await Ip("-o", "link", "show"));

        NetnsTestLabs.DeleteRoots(options);
    }

    private sealed record LeftoverCount(int Namespaces, int Pins, int Cgroups, int RunDirectories);

    private static LeftoverCount Leftovers(NetnsOptions o) => new(
        Directory.GetFiles("/run/netns").Count(f => Path.GetFileName(f).StartsWith(o.NamePrefix + "-", StringComparison.Ordinal)),
        Directory.Exists(o.BpffsRoot) ? Directory.GetFiles(o.BpffsRoot, "*", SearchOption.AllDirectories).Length : 0,
        Directory.Exists(o.CgroupRoot) ? Directory.GetDirectories(o.CgroupRoot).Length : 0,
        Directory.Exists(o.RunDirectory) ? Directory.GetDirectories(o.RunDirectory).Length : 0);

    private static Process StartChild(string prefix)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "LabSite.NetnsBench.dll");
        var psi = new ProcessStartInfo("dotnet", ["exec", dll, "hold", prefix, "3"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(psi)!;
    }

    private static async Task<string> ReadErrorAsync(Process p)
    {
        p.Kill();
        return await p.StandardError.ReadToEndAsync();
    }

    private static async Task<string> Ip(params string[] args)
    {
        var p = Process.Start(new ProcessStartInfo("ip", args) { RedirectStandardOutput = true })!;
        var s = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return s;
    }
}
