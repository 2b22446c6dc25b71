using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>Time to a ready Star Wars cluster (create + http-sw-app.yaml until 4 pods run and the service is in the LB map).</summary>
public static class ReadyBenchmark
{
    public static async Task<int> RunAsync(int runs)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var ready = new List<double>();
        var landed = new List<double>();
        var destroy = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var sw = Stopwatch.StartNew();
            var c = await backend.CreateAsync(new ClusterRequest($"run{i}"), null, CancellationToken.None);
            await StarWars.ApplyManifestAsync(c, CancellationToken.None);
            var t1 = sw.Elapsed.TotalMilliseconds;
            if (!await StarWars.LandAsync(c, "tiefighter", CancellationToken.None))
            {
                throw new InvalidOperationException($"run {i}: landing failed");
            }

            var t2 = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            await backend.DestroyAsync(c.Name, CancellationToken.None);
            if (i > 0)
            {
                // Run 0 warms up the JIT and is not counted.
                ready.Add(t1);
                landed.Add(t2);
                destroy.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        BenchOptions.RemoveRoots(options);
        Console.WriteLine($"ready Star Wars cluster (create + http-sw-app.yaml, 4 pods Running, service in the LB map), {runs} runs: {Stats.Summary(ready)}");
        Console.WriteLine($"ready + first sandboxed curl landing: {Stats.Summary(landed)}");
        Console.WriteLine($"destroy: {Stats.Summary(destroy)}");
        return 0;
    }
}
