using System.Diagnostics;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.RuntimeSecurity;

namespace LabSite.NetnsBench;

/// <summary>
/// Runtime-security overhead: a shell in a lab-like cgroup spawns <c>/bin/true</c> in a loop, with no runtime
/// programs attached vs with bpf_runtime attached and the cgroup in scope (plus one file rule, so every open is
/// matched). Rounds alternate off/on in one run; reports spawns/s (median), the ratio, and events/s received.
/// </summary>
public static class RuntimeBenchmark
{
    public static async Task<int> RunAsync(int rounds, int spawns)
    {
        var cgroup = $"/sys/fs/cgroup/unified/labsite-bench-rt-{Environment.ProcessId}";
        Directory.CreateDirectory(cgroup);
        try
        {
            await SpawnLoop(cgroup, 50); // warm the page cache and the shell
            var off = new List<double>();
            var on = new List<double>();
            var eventRates = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                off.Add(spawns / await SpawnLoop(cgroup, spawns));

                using var sensor = RuntimeSensor.Start();
                long events = 0;
                sensor.Record += _ => Interlocked.Increment(ref events);
                sensor.AddScope(cgroup, 1);
                sensor.SetRules(1, [RuntimeSensor.Rule(RuntimeCodes.HookFileOpen, "/nonexistent/secret", false, null, false, RuntimeCodes.ActionPost, 0)]);
                var seconds = await SpawnLoop(cgroup, spawns);
                on.Add(spawns / seconds);
                await Task.Delay(200); // let the poller drain the ring
                eventRates.Add(Interlocked.Read(ref events) / seconds);
            }

            var offMedian = Median(off);
            var onMedian = Median(on);
            Console.WriteLine($"runtime: {rounds} rounds of {spawns} spawns of /bin/true from a shell in a scoped cgroup");
            Console.WriteLine($"  no programs    : {offMedian:F0} spawns/s (median; {string.Join(", ", off.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  bpf_runtime on : {onMedian:F0} spawns/s (median; {string.Join(", ", on.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  ratio on/off   : {onMedian / offMedian:F3}");
            Console.WriteLine($"  events received: {Median(eventRates):F0} /s (median; exec + exit per spawn, the shell's own)");
            return 0;
        }
        finally
        {
            Directory.Delete(cgroup);
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

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
