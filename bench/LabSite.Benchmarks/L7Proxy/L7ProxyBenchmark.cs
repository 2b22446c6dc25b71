using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LabSite.Benchmarks.L7Proxy;

/// <summary>
/// Macro benchmark of the L7 proxy, in one run: wrk against the upstream directly, then through the proxy (same
/// upstream, same load), then 1,000 idle keep-alive client connections held open through the proxy to measure its
/// memory per connection. Upstream and proxy run as separate child processes (modes <c>l7-upstream</c> and
/// <c>l7-proxy-serve</c> of this program), so the proxy's memory is its own. Loopback only.
/// </summary>
public static class L7ProxyBenchmark
{
    public static readonly string[] Modes = ["l7-proxy", "l7-upstream", "l7-proxy-serve"];

    public static async Task<int> RunAsync(string[] args) => args[0] switch
    {
        "l7-upstream" => await Upstream.ServeAsync(IPEndPoint.Parse(args[1])),
        "l7-proxy-serve" => await ProxyServer.ServeAsync(IPEndPoint.Parse(args[1]), IPEndPoint.Parse(args[2]), args[3]),
        _ => await CompareAsync(args.Skip(1).ToArray()),
    };

    private static async Task<int> CompareAsync(string[] args)
    {
        var duration = args.Length > 0 ? args[0] : "10s";
        var connections = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        const int idleConnections = 1000;
        var upstreamEp = new IPEndPoint(IPAddress.Loopback, FreePort());
        var proxyEp = new IPEndPoint(IPAddress.Loopback, FreePort());
        var stats = Path.Combine(Path.GetTempPath(), $"l7proxy-stats-{Environment.ProcessId}.txt");

        using var upstream = Child("l7-upstream", upstreamEp.ToString());
        using var proxy = Child("l7-proxy-serve", proxyEp.ToString(), upstreamEp.ToString(), stats);
        try
        {
            await WaitListeningAsync(upstreamEp);
            await WaitListeningAsync(proxyEp);

            // Warm both paths (JIT, connection pools) before measuring.
            Wrk(upstreamEp, "3s", connections);
            Wrk(proxyEp, "3s", connections);
            var direct = Wrk(upstreamEp, duration, connections);
            var proxied = Wrk(proxyEp, duration, connections);

            Console.WriteLine($"L7 proxy benchmark: wrk -t1 -c{connections} -d{duration} --latency, GET / (allowed by an HTTP rule), loopback, {Environment.ProcessorCount} cores");
            Console.WriteLine($"{"path",-9} {"req/s",10} {"p50",10} {"p99",10}");
            Console.WriteLine($"{"direct",-9} {direct.RequestsPerSecond,10:F0} {direct.P50,10} {direct.P99,10}");
            Console.WriteLine($"{"proxied",-9} {proxied.RequestsPerSecond,10:F0} {proxied.P50,10} {proxied.P99,10}");
            Console.WriteLine($"throughput through the proxy: {proxied.RequestsPerSecond / direct.RequestsPerSecond:P0} of direct");

            // A fresh proxy process for the memory measurement, so the load phase's heap growth does not blur it.
            Stop(proxy);
            var idleEp = new IPEndPoint(IPAddress.Loopback, FreePort());
            using var idleProxy = Child("l7-proxy-serve", idleEp.ToString(), upstreamEp.ToString(), stats);
            ((long Rss, long Heap) Before, (long Rss, long Heap) After) idle;
            try
            {
                await WaitListeningAsync(idleEp);
                Wrk(idleEp, "1s", 4);
                idle = await IdleConnectionsAsync(idleEp, idleConnections, idleProxy.Id, stats);
            }
            finally
            {
                Stop(idleProxy);
            }

            var (before, after) = idle;
            Console.WriteLine($"idle keep-alive connections: {idleConnections} (each with its upstream connection open)");
            Console.WriteLine($"proxy RSS:          {before.Rss / 1024.0 / 1024:F1} MiB -> {after.Rss / 1024.0 / 1024:F1} MiB, {(after.Rss - before.Rss) / 1024.0 / 1024:F1} MiB per 1,000 connections");
            Console.WriteLine($"proxy managed heap: {before.Heap / 1024.0 / 1024:F1} MiB -> {after.Heap / 1024.0 / 1024:F1} MiB, {(after.Heap - before.Heap) / 1024.0 / 1024:F1} MiB per 1,000 connections");
            return 0;
        }
        finally
        {
            Stop(proxy);
            Stop(upstream);
            File.Delete(stats);
        }
    }

    private static async Task<((long Rss, long Heap) Before, (long Rss, long Heap) After)> IdleConnectionsAsync(
        IPEndPoint proxyEp, int count, int proxyPid, string stats)
    {
        var before = await ReadStatsAsync(stats, proxyPid);
        var sockets = new List<Socket>(count);
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: deathstar\r\n\r\n");
        var buffer = new byte[4096];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(proxyEp);
                await s.SendAsync(request);
                await s.ReceiveAsync(buffer); // one full small response: the connection is now idle but kept alive
                sockets.Add(s);
            }

            await Task.Delay(TimeSpan.FromSeconds(2)); // let the proxy settle and its stats file refresh
            var after = await ReadStatsAsync(stats, proxyPid);
            return (before, after);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>RSS from /proc; the managed heap (after a full GC) as the proxy process last wrote it.</summary>
    private static async Task<(long Rss, long Heap)> ReadStatsAsync(string stats, int pid)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var heap = long.Parse((await File.ReadAllTextAsync(stats)).Trim(), CultureInfo.InvariantCulture);
        var rssLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var rssKb = long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (rssKb * 1024, heap);
    }

    private sealed record WrkResult(double RequestsPerSecond, string P50, string P99);

    private static WrkResult Wrk(IPEndPoint target, string duration, int connections)
    {
        var psi = new ProcessStartInfo("wrk", ["-t1", $"-c{connections}", $"-d{duration}", "--latency", "-H", "Host: deathstar", $"http://{target}/"])
        {
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string Field(string prefix) =>
            output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();
        if (output.Contains("Non-2xx", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk saw error responses from {target}:\n{output}");
        }

        return new WrkResult(double.Parse(Field("Requests/sec:"), CultureInfo.InvariantCulture), Field("50%"), Field("99%"));
    }

    private static Process Child(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(L7ProxyBenchmark).Assembly.Location);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_gcServer"] = "0"; // workstation GC: the default for a lab agent process
        return Process.Start(psi)!;
    }

    private static void Stop(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private static async Task WaitListeningAsync(IPEndPoint ep)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(ep);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"nothing listens on {ep} after 10 s");
    }
}
