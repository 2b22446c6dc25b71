using System.Diagnostics;
using LabSite.EndToEnd.Tests.Support;
using LabSite.NetnsBench;

namespace LabSite.TerminalBench;

/// <summary>
/// Many learners at once, as the product serves them: each learner (own cookie) opens the hello-lab terminal, so the
/// site's in-process agent creates one netns cluster per learner and attaches a shell to it. Levels are cumulative
/// (50, then 50 more ...). At each level every terminal runs <c>echo hi</c> at the same moment; we report opening
/// times, round trips, failures, site RSS (site + agent are one process), the BPF map memory it holds, and MemAvailable.
/// </summary>
public static class ConcurrencyBenchmark
{
    private const string Lab = "hello-lab";
    private const int OpeningAtOnce = 4;

    public static async Task RunAsync(LabSiteProcess site, IReadOnlyList<int> levels, CancellationToken ct)
    {
        Console.WriteLine($"== concurrent terminals, one cluster per learner (levels {string.Join(", ", levels)}), load {HostMemory.Load()}");
        var pid = site.ProcessId;
        var (rss0, memlock0, available0) = (HostMemory.RssKiB(pid), Stats.BpfMapMemlockBytes(pid.ToString()) / 1024, Stats.MemAvailableKiB());
        Console.WriteLine($"before: site RSS {rss0 / 1024.0:0.0} MiB, BPF maps {memlock0 / 1024.0:0.0} MiB, MemAvailable {available0 / 1024.0:0} MiB");
        Console.WriteLine("terminals | opened ok | open p50 / p95 / total | echo hi ok | echo hi p50 / p95 / p99 | site RSS | RSS/terminal | BPF maps | MemAvailable drop | load");
        var open = new List<TerminalClient>();
        try
        {
            foreach (var level in levels)
            {
                var opening = new Latencies();
                var failedOpen = 0;
                var clock = Stopwatch.StartNew();
                using var gate = new SemaphoreSlim(OpeningAtOnce);
                var fresh = Enumerable.Range(0, Math.Max(0, level - open.Count)).Select(_ => new TerminalClient(Guid.NewGuid())).ToList();
                await Task.WhenAll(fresh.Select(async t =>
                {
                    await gate.WaitAsync(ct);
                    try
                    {
                        var started = Stopwatch.StartNew();
                        await t.ConnectAsync(site.BaseAddress, Lab, ct);
                        await t.WaitAsync(0, s => s.EndsWith(TerminalClient.PromptEnd, StringComparison.Ordinal), TimeSpan.FromMinutes(3), "first prompt");
                        opening.Add(started.Elapsed);
                    }
                    catch (Exception e) when (e is TimeoutException or System.Net.WebSockets.WebSocketException)
                    {
                        Interlocked.Increment(ref failedOpen);
                        Console.WriteLine($"  open failed: {e.Message}");
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                var total = clock.Elapsed;
                open.AddRange(fresh);

                var roundTrips = new Latencies();
                var failedEcho = 0;
                await Task.WhenAll(open.Select(async t =>
                {
                    try
                    {
                        var mark = t.Mark;
                        roundTrips.Add(await t.RunLineAsync("echo hi", TimeSpan.FromSeconds(60), ct));
                        if (!t.TextSince(mark).Contains("\r\nhi\r\n", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref failedEcho);
                        }
                    }
                    catch (TimeoutException)
                    {
                        Interlocked.Increment(ref failedEcho);
                    }
                }));

                var rss = HostMemory.RssKiB(pid);
                var memlock = Stats.BpfMapMemlockBytes(pid.ToString()) / 1024;
                var available = Stats.MemAvailableKiB();
                Console.WriteLine(
                    $"{open.Count,9} | {open.Count - failedOpen,9} | {opening.Percentile(0.5) / 1000:0.00} s / {opening.Percentile(0.95) / 1000:0.00} s / {total.TotalSeconds:0.0} s | " +
                    $"{open.Count - failedEcho,10} | {roundTrips.Percentile(0.5):0.0} / {roundTrips.Percentile(0.95):0.0} / {roundTrips.Percentile(0.99):0.0} ms | " +
                    $"{rss / 1024.0:0} MiB | {(rss - rss0) / 1024.0 / open.Count:0.00} MiB | {memlock / 1024.0:0} MiB | {(available0 - available) / 1024.0:0} MiB | {HostMemory.Load()}");
            }
        }
        finally
        {
            await Task.WhenAll(open.Select(t => t.DisposeAsync().AsTask()));
        }
    }
}
