using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>
/// Runtime-security overhead through a real lab: a shell spawns <c>/bin/true</c> in a loop, rounds alternating between
/// no lab at all (so no runtime programs are attached on the host) and the shell inside a lab's cgroup with the lab's
/// sensor running and a TracingPolicy loaded (so every open is matched against a rule in the kernel). Events are counted
/// end to end: what reached the lab's ring as Tetragon events. Reports spawns/s (median), the on/off ratio and events/s,
/// all from one run.
/// </summary>
public static class RuntimeBenchmark
{
    private const string Policy = """
        apiVersion: cilium.io/v1alpha1
        kind: TracingPolicy
        metadata:
          name: bench
        spec:
          lsmhooks:
          - hook: file_open
            selectors:
            - matchArgs:
              - index: 0
                operator: Equal
                values: ["/nonexistent/secret"]
        """;

    public static async Task<int> RunAsync(int rounds, int spawns)
    {
        var options = BenchOptions.For("rtb");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var bare = $"{options.CgroupRoot}/bare";
        Directory.CreateDirectory(bare);
        try
        {
            await SpawnLoop(bare, 50); // warm the page cache and the shell
            var off = new List<double>();
            var on = new List<double>();
            var eventRates = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                if (backend.Runtime.Sensor is not null)
                {
                    throw new InvalidOperationException("runtime programs still attached in an 'off' round");
                }

                off.Add(spawns / await SpawnLoop(bare, spawns));

                var lab = await backend.CreateAsync(new ClusterRequest($"rt{r}"), null, CancellationToken.None);
                var applied = await lab.ApplyAsync(new ManifestText(Policy, "bench.yaml"), ApplyMode.Apply, CancellationToken.None);
                if (!applied.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("; ", applied.Errors));
                }

                var ring = lab.RuntimeSecurity!.Events;
                var before = ring.Written;
                var seconds = await SpawnLoop(lab.Names.CgroupDirectory, spawns);
                on.Add(spawns / seconds);
                await Task.Delay(300); // let the poller drain the kernel ring
                eventRates.Add((ring.Written - before) / seconds);
                await backend.DestroyAsync(lab.Name, CancellationToken.None);
            }

            var offMedian = Stats.Median(off);
            var onMedian = Stats.Median(on);
            Console.WriteLine($"runtime: {rounds} rounds of {spawns} spawns of /bin/true from a shell; off = no lab (no runtime programs on the host), on = in a lab's cgroup with its sensor and a TracingPolicy");
            Console.WriteLine($"  no programs    : {offMedian:F0} spawns/s (median; {string.Join(", ", off.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  lab sensor on  : {onMedian:F0} spawns/s (median; {string.Join(", ", on.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  ratio on/off   : {onMedian / offMedian:F3}");
            Console.WriteLine($"  events in ring : {Stats.Median(eventRates):F0} /s (median; Tetragon events, exec + exit per spawn)");
            return 0;
        }
        finally
        {
            Directory.Delete(bare);
            BenchOptions.RemoveRoots(options);
        }
    }

    private static async Task<double> SpawnLoop(string cgroup, int spawns)
    {
        var psi = new ProcessStartInfo("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"echo $$ > {cgroup}/cgroup.procs && i=0; while [ $i -lt {spawns} ]; do /bin/true; i=$((i+1)); done");
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"spawn loop exited {p.ExitCode}");
    }
}
