using System.Diagnostics;
using LabSite.EndToEnd.Tests.Support;

namespace LabSite.TerminalBench;

/// <summary>
/// Commands typed into the terminal of a Star Wars lab, timed from Enter to the next prompt: kubectl get pods,
/// hubble observe --last 20 (with flows in the ring), bpftool map show (a real process). Then the same kubectl line
/// through <c>labsite cluster shell -c</c>, a new CLI process each time talking to the agent's socket.
/// </summary>
public static class CommandBenchmark
{
    private const string Lab = "starwars";
    private const string Landing = "curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(LabSiteProcess site, int runs, CancellationToken ct)
    {
        Console.WriteLine($"== commands in a Star Wars lab terminal ({runs} runs after 5 warm-up), load {HostMemory.Load()}");
        await using var terminal = new TerminalClient(Guid.NewGuid());
        await terminal.ConnectAsync(site.BaseAddress, Lab, ct);
        await terminal.WaitAsync(0, t => t.EndsWith(TerminalClient.PromptEnd, StringComparison.Ordinal), TimeSpan.FromMinutes(2), "first prompt");
        await terminal.RunLineAsync("kubectl create -f manifests/http-sw-app.yaml", s_timeout, ct);
        for (var i = 0; ; i++)
        {
            var mark = terminal.Mark;
            await terminal.RunLineAsync("kubectl get pods", s_timeout, ct);
            if (terminal.TextSince(mark).Split("Running").Length - 1 == 4)
            {
                break;
            }
            if (i == 60)
            {
                throw new InvalidOperationException($"Star Wars pods not Running after 60 tries: {terminal.TextSince(mark)}");
            }
            await Task.Delay(1000, ct);
        }
        foreach (var ship in new[] { "tiefighter", "xwing", "tiefighter", "xwing" })
        {
            await terminal.RunLineAsync($"kubectl exec {ship} -- {Landing}", s_timeout, ct);
        }

        foreach (var (line, expect) in new[] { ("kubectl get pods", "tiefighter"), ("hubble observe --last 20", "FORWARDED"), ("bpftool map show", "name ls_ipcache") })
        {
            var timings = new Latencies();
            var failures = 0;
            for (var i = 0; i < 5 + runs; i++)
            {
                var mark = terminal.Mark;
                var elapsed = await terminal.RunLineAsync(line, s_timeout, ct);
                if (!terminal.TextSince(mark).Contains(expect, StringComparison.Ordinal))
                {
                    failures++;
                }
                if (i >= 5)
                {
                    timings.Add(elapsed);
                }
            }
            Console.WriteLine($"{line,-26} {timings}{(failures > 0 ? $", {failures} without '{expect}'" : "")}");
        }

        var cli = new Latencies();
        var cliFailures = 0;
        for (var i = 0; i < 2 + Math.Min(runs, 10); i++)
        {
            var (status, elapsed) = await ClusterShellAsync(site, terminal.ClusterName(Lab), "kubectl get pods", ct);
            cliFailures += status == 0 ? 0 : 1;
            if (i >= 2)
            {
                cli.Add(elapsed);
            }
        }
        Console.WriteLine($"{"labsite cluster shell -c",-26} {cli} (kubectl get pods; a new process each run){(cliFailures > 0 ? $", {cliFailures} failed" : "")}");
        Console.WriteLine($"load after: {HostMemory.Load()}");
    }

    private static async Task<(int Status, TimeSpan Elapsed)> ClusterShellAsync(LabSiteProcess site, string cluster, string line, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "labsite.dll"), "cluster", "shell", cluster, "-c", line,
                "--socket", Path.Combine(site.DataDirectory, "agent.sock"), "--no-autostart",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start labsite");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var elapsed = clock.Elapsed;
        if (process.ExitCode != 0 || !(await output).Contains("tiefighter", StringComparison.Ordinal))
        {
            Console.WriteLine($"  labsite cluster shell failed ({process.ExitCode}): {await errors}");
            return (process.ExitCode == 0 ? 1 : process.ExitCode, elapsed);
        }
        return (0, elapsed);
    }
}
