using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Benchmarks.KubeApi;

/// <summary>
/// Macro benchmark of the labs' Kubernetes API, in one run, on one agent (Kestrel, https on loopback) hosting N
/// in-memory labs (the real object store with the Star Wars app; no kernel, so 100 labs fit any machine):
/// <list type="number">
/// <item><c>kubectl get pods</c>: the real kubectl through the API from the host; median (the lab shell's in-process C# kubectl it was compared with is retired; <c>bench/LabSite.KubectlBench</c> measures the lab shell's kubectl, which runs in the lab).</item>
/// <item>List requests/s (JSON and Table) against <c>/version</c> as the baseline, same client and concurrency.</item>
/// <item>Watch fan-out: one pod watch per lab, a label change in every lab, latency to each MODIFIED; against one lab alone.</item>
/// <item>Memory: managed heap per lab with the API on, and per open watch.</item>
/// </list>
/// Run: <c>dotnet run -c Release --project bench/LabSite.Benchmarks -- kube-api [labs=100] [requests=3000]</c>.
/// </summary>
public static class KubeApiBenchmark
{
    public const string Mode = "kube-api";

    public static async Task<int> RunAsync(string[] args)
    {
        var labs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3000;
        var dir = Directory.CreateTempSubdirectory("labsite-kubeapi-bench-").FullName;
        var manifests = Directory.CreateDirectory(Path.Combine(dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        var socket = Path.Combine(dir, "agent.sock");
        var backend = new InMemoryClusterBackend();
        var app = AgentHost.Build(new AgentOptions { SocketPath = socket, KubeApiPort = 0 }, s => s.AddSingleton<IClusterBackend>(backend));
        await app.StartAsync();
        try
        {
            using var agent = new AgentClient(socket);
            var first = await agent.CreateAsync(new ClusterRequest("warm", ManifestsDirectory: manifests), null, default);
            await agent.DestroyAsync("warm", default);
            var heapAgent = Heap();
            var clusters = new List<ILabCluster>();
            var access = new List<KubernetesAccess>();
            for (var i = 0; i < labs; i++)
            {
                clusters.Add(await agent.CreateAsync(new ClusterRequest($"b{i}", ManifestsDirectory: manifests), null, default));
                access.Add(await agent.KubernetesAccessAsync($"b{i}", default));
            }
            var heapLabs = Heap();
            Console.WriteLine($"Kubernetes API benchmark: {labs} in-memory labs (Star Wars app) on one agent, {Environment.ProcessorCount} cores, kubectl {RealKubectl.Path}");

            await GetPodsAsync(dir, clusters[0], access[0]);
            using var http = Client();
            await ListAsync(http, access[0], requests);
            var heapBeforeWatches = Heap();
            var (one, _) = await FanOutAsync(http, access.Take(1).ToList(), "one");
            var (all, watchHeap) = await FanOutAsync(http, access, "all");
            Console.WriteLine($"watch fan-out: change -> MODIFIED latency, p50 {one.P50:F0} ms / p99 {one.P99:F0} ms with 1 lab; p50 {all.P50:F0} ms / p99 {all.P99:F0} ms with {labs} labs (ratio p50 {all.P50 / one.P50:F2}x); the watch polls every 200 ms");
            Console.WriteLine($"memory: {(heapLabs - heapAgent) / labs / 1024.0:F0} KiB managed heap per lab with the API on; {(watchHeap - heapBeforeWatches) / labs / 1024.0:F1} KiB per open watch");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static HttpClient Client()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // the agent's self-signed certificate
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary><c>kubectl get pods</c> from the host through the API ten times (after two warm-up runs), median in ms.</summary>
    private static async Task GetPodsAsync(string dir, ILabCluster cluster, KubernetesAccess access)
    {
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfig.For(cluster.Name, access));
        var real = new List<double>();
        var rows = "";
        for (var i = 0; i < 12; i++)
        {
            var clock = Stopwatch.StartNew();
            var run = await RealKubectl.RunAsync("--kubeconfig", kubeconfig, "get", "pods");
            if (i >= 2)
            {
                real.Add(clock.Elapsed.TotalMilliseconds);
            }
            rows = Rows(run.Stdout);
        }
        Console.WriteLine($"kubectl get pods: real kubectl through the API {Median(real):F1} ms (median of 10); pods: {rows.Replace('\n', ' ')}");
    }

    private static string Rows(string table) =>
        string.Join("\n", table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));

    /// <summary>Requests/s for <paramref name="count"/> GETs over 8 connections: /version, pods as JSON, pods as a Table.</summary>
    private static async Task ListAsync(HttpClient http, KubernetesAccess access, int count)
    {
        var pods = $"{access.Server}/api/v1/namespaces/default/pods";
        const string table = "application/json;as=Table;v=v1;g=meta.k8s.io";
        await RateAsync(http, access, $"{access.Server}/version", null, 200); // warm-up
        var version = await RateAsync(http, access, $"{access.Server}/version", null, count);
        var json = await RateAsync(http, access, pods, null, count);
        var tables = await RateAsync(http, access, pods, table, count);
        Console.WriteLine($"requests/s (8 concurrent, {count} each): /version {version:F0} (baseline), list pods JSON {json:F0} ({json / version:F2}x), list pods Table {tables:F0} ({tables / version:F2}x)");
    }

    private static async Task<double> RateAsync(HttpClient http, KubernetesAccess access, string url, string? accept, int count)
    {
        var left = count;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.Token);
                if (accept is not null)
                {
                    request.Headers.TryAddWithoutValidation("Accept", accept);
                }
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// One pod watch per lab (from the list's resourceVersion), then a label change on tiefighter in every lab, one
    /// after another; the time from each change's PATCH to its MODIFIED line. Also the heap with every watch open.
    /// </summary>
    private static async Task<((double P50, double P99) Latency, long Heap)> FanOutAsync(HttpClient http, IReadOnlyList<KubernetesAccess> labs, string round)
    {
        using var stop = new CancellationTokenSource();
        var sent = new long[labs.Count];
        var latencies = new double[labs.Count];
        var seen = new TaskCompletionSource[labs.Count];
        var watches = new List<Task>();
        for (var i = 0; i < labs.Count; i++)
        {
            seen[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lab = labs[i];
            using var list = new HttpRequestMessage(HttpMethod.Get, $"{lab.Server}/api/v1/namespaces/default/pods");
            list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", lab.Token);
            using var listed = await http.SendAsync(list);
            var rv = System.Text.Json.Nodes.JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["metadata"]!["resourceVersion"]!.ToString();
            var request = new HttpRequestMessage(HttpMethod.Get, $"{lab.Server}/api/v1/namespaces/default/pods?watch=1&resourceVersion={rv}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", lab.Token);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            var index = i;
            watches.Add(Task.Run(async () =>
            {
                using (request)
                using (response)
                {
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                    while (await reader.ReadLineAsync(stop.Token) is { } line)
                    {
                        if (line.Contains("\"MODIFIED\"", StringComparison.Ordinal) && line.Contains($"\"bench\":\"{round}\"", StringComparison.Ordinal))
                        {
                            latencies[index] = Stopwatch.GetElapsedTime(Volatile.Read(ref sent[index])).TotalMilliseconds;
                            seen[index].TrySetResult();
                        }
                    }
                }
            }));
        }
        var heap = Heap();
        for (var i = 0; i < labs.Count; i++)
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"{labs[i].Server}/api/v1/namespaces/default/pods/tiefighter")
            {
                Content = new StringContent($"{{\"metadata\":{{\"labels\":{{\"bench\":\"{round}\"}}}}}}", Encoding.UTF8, "application/merge-patch+json"),
            };
            patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", labs[i].Token);
            Volatile.Write(ref sent[i], Stopwatch.GetTimestamp());
            using var patched = await http.SendAsync(patch);
            patched.EnsureSuccessStatusCode();
        }
        await Task.WhenAll(seen.Select(s => s.Task)).WaitAsync(TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await Task.WhenAll(watches).ContinueWith(_ => { }, TaskScheduler.Default);
        var sorted = latencies.Order().ToArray();
        return ((Percentile(sorted, 0.5), Percentile(sorted, 0.99)), heap);
    }

    private static double Median(List<double> values) => Percentile([.. values.Order()], 0.5);

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
