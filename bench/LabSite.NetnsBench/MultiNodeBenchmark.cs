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
/// <c>ipsec</c>: the same cross-node pair with IPsec on (the Secret cilium-ipsec-keys, ESP in the agent) and off,
/// rounds alternating in one lab, each round checked to run in the mode it claims.
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
            await ApplyStarWarsAsync(cluster);
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

    /// <summary>The Star Wars demo with the bench's L3/L4 policy, as both cross-node modes start.</summary>
    private static async Task ApplyStarWarsAsync(NetnsCluster cluster)
    {
        await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
        var applied = await cluster.ApplyAsync(new ManifestText(BenchPolicy, "bench-l4.yaml"), ApplyMode.Apply, CancellationToken.None);
        if (!applied.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", applied.Errors));
        }
    }

    public static async Task<int> IpsecAsync(int rounds, double seconds)
    {
        const string secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: cilium-ipsec-keys, namespace: kube-system}\n"
            + "stringData:\n  keys: \"3+ rfc4106(gcm(aes)) 6d2b1f0c9a8e7d6c5b4a39281706f5e4d3c2b1a0 128\"\n";
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("xi", Nodes: 2), null, CancellationToken.None);
        try
        {
            await ApplyStarWarsAsync(cluster);
            var client = cluster.FindPod("default", "tiefighter")!;
            var remote = cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal) && p.Node.Index != client.Node.Index);

            var isOn = false;
            async Task SetAsync(bool on)
            {
                var r = on == isOn ? new ApplyResult([], []) : await cluster.ApplyAsync(new ManifestText(secret, "ipsec-keys.yaml"), on ? ApplyMode.Apply : ApplyMode.Delete, CancellationToken.None);
                isOn = on;
                var status = await cluster.GetEncryptionStatusAsync(CancellationToken.None) ?? [];
                if (!r.Succeeded || status.Any(s => s.Mode != (on ? "IPsec" : "Disabled")))
                {
                    throw new InvalidOperationException($"IPsec {(on ? "on" : "off")}: {string.Join("; ", r.Errors)} {string.Join("; ", status.Select(s => s.Node + " " + s.Mode + " " + s.Message))}");
                }
            }

            async Task<long> EspPacketsAsync() =>
                (await cluster.GetEncryptionStatusAsync(CancellationToken.None) ?? []).SelectMany(s => s.States ?? []).Where(x => x.Direction == "out").Sum(x => x.Packets);

            foreach (var (mode, port, unit) in new[] { ("throughput", StreamPort, "Gbit/s"), ("connrate", ConnectPort, "conn/s") })
            {
                using var listener = await PodTraffic.ListenAsync(remote.Netns, port);
                var target = new IPEndPoint(remote.Ip, port);
                var duration = TimeSpan.FromSeconds(seconds);
                Func<Task<Measured>> measure = mode == "throughput"
                    ? () => PodTraffic.StreamGbitsAsync(client.Netns, listener, target, duration)
                    : () => PodTraffic.ConnectionsPerSecondAsync(client.Netns, listener, target, duration);
                var on = new List<double>();
                var off = new List<double>();
                for (var r = -1; r < rounds; r++)
                {
                    await SetAsync(false);
                    var plain = (await measure()).Rate;
                    await SetAsync(true);
                    var before = await EspPacketsAsync();
                    var encrypted = (await measure()).Rate;
                    var esp = await EspPacketsAsync() - before;
                    if (esp == 0)
                    {
                        throw new InvalidOperationException("an IPsec round sent no ESP packet");
                    }
                    if (r < 0)
                    {
                        continue; // warm-up: JIT, conntrack, neighbour entries
                    }
                    off.Add(plain);
                    on.Add(encrypted);
                    Console.WriteLine($"{mode} round {r + 1}: IPsec off {plain:0.00} {unit}, IPsec on {encrypted:0.00} {unit} ({esp} ESP packets)");
                }
                var (o, e) = (Stats.Median(off), Stats.Median(on));
                Console.WriteLine($"{mode}, tiefighter -> deathstar across nodes, {rounds} rounds of {seconds:0.#} s (median): IPsec off {o:0.00} {unit}, IPsec on {e:0.00} {unit}, ratio on/off {e / o:0.00}");
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
