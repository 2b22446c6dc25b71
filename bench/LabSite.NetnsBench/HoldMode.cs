using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>
/// The crash-test child of GarbageCollectionPrivilegedTests: hosts labs (each with a running exec, so its
/// cgroup holds a process), prints READY, and waits to be SIGKILLed.
/// </summary>
public static class HoldMode
{
    public static async Task<int> RunAsync(string prefix, int count)
    {
        var backend = new NetnsBackend(BenchOptions.For(prefix));
        await backend.StartAsync(CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            var c = await backend.CreateAsync(new ClusterRequest($"held{i}"), null, CancellationToken.None);
            await StarWars.StartAsync(c, CancellationToken.None);
            _ = c.ExecAsync(new ExecRequest("default", "xwing", ["sleep", "300"]), new ExecStreams(Stream.Null, Stream.Null), CancellationToken.None);
        }

        await Task.Delay(500);
        Console.WriteLine("READY");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
