using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>N Star Wars clusters at once: creation time, memory per cluster, and whether all of them answer both ships.</summary>
public static class ScaleBenchmark
{
    public static async Task<int> RunAsync(int count)
    {
        var options = BenchOptions.For("bench", Math.Max(count, 100));
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        GC.Collect();
        var availableBefore = Stats.MemAvailableKiB();
        var rssBefore = Process.GetCurrentProcess().WorkingSet64 / 1024;
        var clusters = new List<NetnsCluster>();
        var sw = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var c = await backend.CreateAsync(new ClusterRequest($"lab{i}"), null, CancellationToken.None);
                clusters.Add(c);
                await StarWars.ApplyManifestAsync(c, CancellationToken.None);
            }

            var created = sw.Elapsed.TotalSeconds;
            GC.Collect();
            await Task.Delay(500);
            var availableAfter = Stats.MemAvailableKiB();
            var rssAfter = Process.GetCurrentProcess().WorkingSet64 / 1024;
            var memlock = Stats.BpfMapMemlockBytes();
            sw.Restart();
            var answers = await Task.WhenAll(clusters.Select(async c =>
                await StarWars.LandAsync(c, "tiefighter", CancellationToken.None) && await StarWars.LandAsync(c, "xwing", CancellationToken.None)));
            Console.WriteLine($"{count} Star Wars clusters created in {created:0.0} s; all-answering check in {sw.Elapsed.TotalSeconds:0.0} s: {answers.Count(a => a)}/{count} clusters answered both ships");
            if (!StarWars.FailureCodes.IsEmpty)
            {
                Console.WriteLine("failed landings by exit code: " + string.Join(", ", StarWars.FailureCodes.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}")));
            }

            Console.WriteLine($"per cluster: agent RSS {(rssAfter - rssBefore) / (double)count / 1024:0.00} MiB, BPF map memory {memlock / (double)count / 1024:0.0} KiB, " +
                $"host MemAvailable drop {(availableBefore - availableAfter) / (double)count / 1024:0.00} MiB (noisy on a shared host)");
        }
        finally
        {
            foreach (var c in clusters)
            {
                await backend.DestroyAsync(c.Name, CancellationToken.None);
            }

            BenchOptions.RemoveRoots(options);
        }

        return 0;
    }
}
