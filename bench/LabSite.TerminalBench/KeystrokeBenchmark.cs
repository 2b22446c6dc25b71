using System.Diagnostics;
using System.Text.Json;

namespace LabSite.TerminalBench;

/// <summary>
/// Keystroke to echo: one printable character sent as xterm.js sends it, timed until the lab shell's redraw of the line
/// (prompt + text + erase-to-end) has come back. The same client against <see cref="EchoServer"/> is the baseline.
/// Every 40 characters Ctrl-U clears the line (untimed), so redraws stay one short line long.
/// </summary>
public static class KeystrokeBenchmark
{
    private const int Warmup = 100;
    private const int LineLength = 40;

    public static async Task RunAsync(Uri site, int samples, CancellationToken ct)
    {
        Console.WriteLine($"== keystroke to echo ({samples} samples after {Warmup} warm-up), load {HostMemory.Load()}");
        await using var echo = await EchoServer.StartAsync();
        await using var baseline = new TerminalClient(Guid.NewGuid());
        await baseline.ConnectAsync(new UriBuilder(echo.Address) { Scheme = "ws", Path = "/echo" }.Uri, ct);
        await using var terminal = new TerminalClient(Guid.NewGuid());
        await terminal.ConnectAsync(site, "hello-lab", ct);
        await terminal.WaitAsync(0, t => t.EndsWith(TerminalClient.PromptEnd, StringComparison.Ordinal), TimeSpan.FromMinutes(2), "first prompt");

        // Interleaved in blocks of 50, so both see the same moments of the shared machine.
        var ours = new Latencies();
        var echoed = new Latencies();
        var line = "";
        for (var i = 0; i < Warmup + samples; i += 50)
        {
            for (var j = i; j < i + 50 && j < Warmup + samples; j++)
            {
                if (line.Length == LineLength)
                {
                    var clear = terminal.Mark;
                    await terminal.SendInputAsync("\u0015", ct);
                    await terminal.WaitAsync(clear, t => t.EndsWith(TerminalClient.PromptEnd, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "Ctrl-U");
                    line = "";
                }
                var key = ((char)('a' + (j % 26))).ToString();
                line += key;
                var mark = terminal.Mark;
                var clock = Stopwatch.StartNew();
                await terminal.SendInputAsync(key, ct);
                await terminal.WaitAsync(mark, t => TerminalClient.EndsWithLine(t, line), TimeSpan.FromSeconds(30), $"echo of '{key}'");
                if (j >= Warmup)
                {
                    ours.Add(clock.Elapsed);
                }
            }
            for (var j = i; j < i + 50 && j < Warmup + samples; j++)
            {
                var sent = JsonSerializer.Serialize(new { type = "input", data = ((char)('a' + (j % 26))).ToString() });
                var mark = baseline.Mark;
                var clock = Stopwatch.StartNew();
                await baseline.SendInputAsync(((char)('a' + (j % 26))).ToString(), ct);
                await baseline.WaitAsync(mark, t => t.EndsWith(sent, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "baseline echo");
                if (j >= Warmup)
                {
                    echoed.Add(clock.Elapsed);
                }
            }
        }
        Console.WriteLine($"lab terminal   {ours}");
        Console.WriteLine($"WebSocket echo {echoed}");
        Console.WriteLine($"ratio terminal/echo: p50 {ours.Percentile(0.5) / echoed.Percentile(0.5):0.0}x, p95 {ours.Percentile(0.95) / echoed.Percentile(0.95):0.0}x, p99 {ours.Percentile(0.99) / echoed.Percentile(0.99):0.0}x");
        Console.WriteLine($"load after: {HostMemory.Load()}");
    }
}
