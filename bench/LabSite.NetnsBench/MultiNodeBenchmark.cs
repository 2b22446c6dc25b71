using System.Diagnostics;
using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.NetnsBench;

/// <summary>
/// Multi-node labs. <c>crossnode</c>: in one two-node Star Wars lab with an L3/L4 policy, tiefighter to the deathstar
/// on its own node (the baseline: one node namespace, as every single-node lab) and to the deathstar on the other
/// node (through cilium_vxlan and the underlay), rounds alternating, TCP stream Gbit/s and connect/close conn/s.
/// <c>nodes</c>: time to a ready Star Wars cluster and host memory per cluster, 1 node vs 3 nodes, alternating.
/// </summary>
public static class MultiNodeBenchmark
{
    // The same ports and L3/L4 policy as the single-node datapath bench, so the two compare.
    private const int StreamPort = DatapathBenchmark.StreamPort;
    private const int ConnectPort = DatapathBenchmark.ConnectPort;
    private const string BenchPolicy = DatapathBenchmark.BenchPolicy;

    public static async Task<int> CrossNodeAsync(int rounds, double seconds)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("xn", Nodes: 2), null, CancellationToken.None);
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var applied = await cluster.ApplyAsync(new ManifestText(BenchPolicy, "bench-l4.yaml"), ApplyMode.Apply, CancellationToken.None);
            if (!applied.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", applied.Errors));
            }
            var client = cluster.FindPod("default", "tiefighter")!;
            var deathstars = cluster.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).ToList();
            var local = deathstars.Single(p => p.Node.Index == client.Node.Index);
            var remote = deathstars.Single(p => p.Node.Index != client.Node.Index);
            foreach (var (mode, port, unit) in new[] { ("throughput", StreamPort, "Gbit/s"), ("connrate", ConnectPort, "conn/s") })
            {
                using var localListener = await PodTraffic.ListenAsync(local.Netns, port);
                using var remoteListener = await PodTraffic.ListenAsync(remote.Netns, port);
                Func<Task<Measured>> Measure(PodRuntime server, System.Net.Sockets.Socket listener)
                {
                    var target = new IPEndPoint(server.Ip, port);
                    var duration = TimeSpan.FromSeconds(seconds);
                    return mode == "throughput"
                        ? () => PodTraffic.StreamGbitsAsync(client.Netns, listener, target, duration)
                        : () => PodTraffic.ConnectionsPerSecondAsync(client.Netns, listener, target, duration);
                }
                var same = Measure(local, localListener);
                var cross = Measure(remote, remoteListener);
                await same();
                await cross(); // warm-up: JIT, conntrack, neighbour entries
                var sameRates = new List<double>();
                var crossRates = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    sameRates.Add((await same()).Rate);
                    crossRates.Add((await cross()).Rate);
                    Console.WriteLine($"{mode} round {r + 1}: same node {sameRates[^1]:0.00} {unit}, across nodes (VXLAN) {crossRates[^1]:0.00} {unit}");
                }
                var (s, c) = (Stats.Median(sameRates), Stats.Median(crossRates));
                Console.WriteLine($"{mode}, tiefighter -> deathstar with L3/L4 policy, {rounds} rounds of {seconds:0.#} s (median): same node {s:0.00} {unit}, across nodes {c:0.00} {unit}, ratio cross/same {c / s:0.00}");
            }
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }

    public static async Task<int> NodesAsync(int runs)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var ready = new Dictionary<int, List<double>> { [1] = [], [3] = [] };
        var memory = new Dictionary<int, List<double>> { [1] = [], [3] = [] };
        for (var i = 0; i < runs + 1; i++)
        {
            foreach (var nodes in new[] { 1, 3 })
            {
                var before = Stats.MemAvailableKiB();
                var sw = Stopwatch.StartNew();
                var c = await backend.CreateAsync(new ClusterRequest($"n{nodes}r{i}", Nodes: nodes), null, CancellationToken.None);
                await StarWars.ApplyManifestAsync(c, CancellationToken.None);
                var t = sw.Elapsed.TotalMilliseconds;
                if (!await StarWars.LandAsync(c, "tiefighter", CancellationToken.None))
                {
                    throw new InvalidOperationException($"run {i}, {nodes} node(s): landing failed");
                }
                var used = (before - Stats.MemAvailableKiB()) / 1024.0;
                await backend.DestroyAsync(c.Name, CancellationToken.None);
                if (i > 0)
                {
                    // Run 0 warms up the JIT and is not counted.
                    ready[nodes].Add(t);
                    memory[nodes].Add(used);
                }
            }
        }
        BenchOptions.RemoveRoots(options);
        foreach (var nodes in new[] { 1, 3 })
        {
            Console.WriteLine($"{nodes} node(s): ready Star Wars cluster, {runs} runs: {Stats.Summary(ready[nodes])}; host MemAvailable drop median {Stats.Median(memory[nodes]):0.0} MiB (noisy on a shared host)");
        }
        Console.WriteLine($"ratio 3 nodes / 1 node: ready {Stats.Median(ready[3]) / Stats.Median(ready[1]):0.00}, memory {Stats.Median(memory[3]) / Math.Max(Stats.Median(memory[1]), 0.1):0.00}");
        return 0;
    }

}
