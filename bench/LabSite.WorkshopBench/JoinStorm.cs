using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LabSite.Agent.Client;
using LabSite.EndToEnd.Tests.Support;
using LabSite.TerminalBench;
using LabSite.Testing;

namespace LabSite.WorkshopBench;

/// <summary>
/// The join storm, run as root, Release:
/// <c>dotnet bin/Release/net10.0/LabSite.WorkshopBench.dll storm [attendees=200] [window-seconds=60]</c>.
/// Twice in one run, each time a fresh <c>labsite serve</c> (in-process agent, netns backend) and a workshop with as many
/// seats: first with a warm pool of that many Star Wars clusters made ready before anyone joins
/// (<c>WarmPoolOptions__Labs__starwars</c>: the pool workshops pre-warm through), then with the pool off. Attendees
/// arrive evenly spread over the window; each joins by code over HTTP, opens the deploy step, connects the terminal and
/// runs <c>kubectl get ns</c>: the time to a usable terminal is from the join POST to that command's answer. Memory:
/// the site's RSS (the agent runs in it) and MemAvailable's fall (kernel objects of the clusters), both after the storm.
///
/// Last run (2026-12-06 22:21 UTC, 2 cores, load 0.6 -> 1.8), 200 attendees within 60 s:
///   pool on : 200 clusters ready in 12 s before the doors open; join -> usable terminal p50 99 ms, p95 127 ms,
///             p99 190 ms, max 736 ms, 0 failures; site+agent RSS 798 MiB (4.0 MiB per attendee); MemAvailable fell 1125 MiB
///   pool off: p50 176 ms, p95 210 ms, p99 410 ms, max 1120 ms, 0 failures; RSS 771 MiB; MemAvailable fell 1093 MiB
///   ratio pool off / pool on: p50 1.8x, p95 1.7x. (An earlier run under a load of 11-22 with 100 attendees: 2.5x, 4.2x.)
///   A netns cluster starts in a fraction of a second, so the pool
///   saves little per attendee here; on kind (minutes per cluster) it is the difference between waiting and not.
/// </summary>
public static class JoinStorm
{
    public static async Task<int> RunAsync(string[] args)
    {
        var attendees = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var window = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60);
        Console.WriteLine($"LabSite join storm, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {Load()}, {attendees} attendees within {window.TotalSeconds:0} s");
        var warm = await StormAsync(attendees, window, pooled: true);
        var cold = await StormAsync(attendees, window, pooled: false);
        Console.WriteLine($"ratio pool off / pool on: p50 {cold.Times.Percentile(0.5) / warm.Times.Percentile(0.5):0.0}x, p95 {cold.Times.Percentile(0.95) / warm.Times.Percentile(0.95):0.0}x");
        return warm.Failures + cold.Failures == 0 ? 0 : 1;
    }

    private sealed record Result(Latencies Times, int Failures);

    private static async Task<Result> StormAsync(int attendees, TimeSpan window, bool pooled)
    {
        var label = pooled ? "pool on " : "pool off";
        var memBefore = MemAvailableMiB();
        await using var site = await LabSiteProcess.StartAsync(RepositoryPaths.Content, new Dictionary<string, string>
        {
            // At most 200: the netns backend's ceiling (its address plan has 200 lab slots); beyond it the agent refuses to start.
            ["NetnsOptions__MaxClusters"] = Math.Min(attendees + 20, 200).ToString(CultureInfo.InvariantCulture),
            ["WarmPoolOptions__Labs__starwars"] = (pooled ? attendees : 0).ToString(CultureInfo.InvariantCulture),
            ["WarmPoolOptions__RefillInterval"] = "00:00:02",
        });
        var code = await CreateWorkshopAsync(site, attendees);
        var prepare = Stopwatch.StartNew();
        if (pooled)
        {
            using var agent = new AgentClient(Path.Combine(site.DataDirectory, "agent.sock"));
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(30));
            int ready;
            while ((ready = await PooledAsync(agent, bound.Token)) < attendees)
            {
                if (ready < 0 && prepare.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new InvalidOperationException("the site's in-process agent did not start within a minute (its options are checked at start)");
                }
                await Task.Delay(TimeSpan.FromSeconds(2), bound.Token);
            }
            Console.WriteLine($"{label}: {attendees} clusters ready in {prepare.Elapsed.TotalSeconds:0} s before the doors open");
        }

        var times = new Latencies();
        var failures = 0;
        var storm = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, attendees).Select(async i =>
        {
            await Task.Delay(window * i / attendees);
            try
            {
                times.Add(await JoinAndUseAsync(site.BaseAddress, code, $"attendee{i + 1}", i));
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failures);
                Console.WriteLine($"{label}: attendee{i + 1} failed: {e.Message}");
            }
        }));
        var rss = RssMiB(site.ProcessId);
        Console.WriteLine($"{label}: time to a usable terminal (join -> `kubectl get ns` answered): {times}; failures {failures}; storm took {storm.Elapsed.TotalSeconds:0} s");
        Console.WriteLine($"{label}: site+agent RSS {rss} MiB ({(double)rss / attendees:0.0} MiB per attendee), MemAvailable fell {memBefore - MemAvailableMiB()} MiB, load {Load()}");
        return new Result(times, failures);
    }

    /// <summary>Pool clusters the agent runs; -1 while it is too busy creating them to answer (asked again).</summary>
    private static async Task<int> PooledAsync(AgentClient agent, CancellationToken ct)
    {
        try
        {
            return (await agent.ListAsync(ct)).Count(c => PoolName().IsMatch(c.Name));
        }
        catch (AgentUnavailableException)
        {
            return -1;
        }
    }

    private static async Task<TimeSpan> JoinAndUseAsync(Uri site, string code, string name, int index)
    {
        var cookies = new CookieContainer();
        // Each attendee's HTTP comes from its own loopback address (127.0.1.x, 127.0.2.x ...), as attendees on their own
        // networks; the site's per-address limits (failed joins only) would not cap one classroom address either.
        var source = new IPAddress([127, 0, (byte)(1 + index / 250), (byte)(1 + index % 250)]);
        var handler = new SocketsHttpHandler
        {
            CookieContainer = cookies, AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = site, Timeout = TimeSpan.FromMinutes(10) };
        var token = Token(await http.GetStringAsync($"/join/{code}"));
        var clock = Stopwatch.StartNew();
        var joined = await http.PostAsync("/workshops/join", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code, ["name"] = name, ["__RequestVerificationToken"] = token }));
        if (joined.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"join: {joined.StatusCode} {await joined.Content.ReadAsStringAsync()}");
        }
        await http.GetStringAsync("/labs/starwars/steps/deploy");
        var learner = Guid.ParseExact(cookies.GetCookies(site)["labsite-learner"]!.Value, "N");
        await using var terminal = new TerminalClient(learner);
        var mark = terminal.Mark;
        await terminal.ConnectAsync(site, "starwars", CancellationToken.None);
        var timeout = TimeSpan.FromMinutes(10);
        await terminal.WaitAsync(mark, t => t.Contains(TerminalClient.PromptEnd, StringComparison.Ordinal), timeout, $"{name}'s first prompt");
        mark = terminal.Mark;
        await terminal.SendInputAsync("kubectl get ns\r", CancellationToken.None);
        await terminal.WaitAsync(mark, t => t.Contains("kube-system", StringComparison.Ordinal), timeout, $"{name}: kubectl get ns");
        return clock.Elapsed;
    }

    private static async Task<string> CreateWorkshopAsync(LabSiteProcess site, int seats)
    {
        var start = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture);
        using var create = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "labsite.dll"), "workshop", "create", "--title", "storm", "--lab", "starwars", "--start", start, "--hours", "2", "--seats", seats.ToString(CultureInfo.InvariantCulture), "--content", RepositoryPaths.Content, "--data", site.DataDirectory },
            RedirectStandardOutput = true,
        })!;
        var created = Regex.Match(await create.StandardOutput.ReadToEndAsync(), "^([0-9a-f]{32})\tcode ([A-Z0-9]{6})", RegexOptions.Multiline);
        await create.WaitForExitAsync();
        return created.Success ? created.Groups[2].Value : throw new InvalidOperationException("labsite workshop create printed no code");
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token ? token
            : throw new InvalidOperationException("no antiforgery token in the page");

    private static Regex PoolName() => new("^p[0-9a-f]{8}-");

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static long MemAvailableMiB() => ReadKiB("/proc/meminfo", "MemAvailable:") / 1024;

    private static long RssMiB(int pid) => ReadKiB($"/proc/{pid}/status", "VmRSS:") / 1024;

    private static long ReadKiB(string file, string key) =>
        long.Parse(File.ReadLines(file).First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
