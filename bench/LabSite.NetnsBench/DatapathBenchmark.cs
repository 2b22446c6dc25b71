using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>
/// TCP between two pods of a Star Wars lab (tiefighter → one deathstar, pod IP to pod IP through the node
/// namespace) with an L3/L4 policy enforced by our tc programs, against the same topology with the programs
/// detached. Rounds alternate (policy, baseline, policy, ...) so machine load shifts hit both sides alike.
///   throughput: one stream for N seconds, receiver goodput in Gbit/s
///   connrate:   sequential connect/close, connections per second
/// </summary>
public static class DatapathBenchmark
{
    internal const int StreamPort = 5201;
    internal const int ConnectPort = 5202;

    // tiefighter may reach the deathstars on the bench ports; everything else into them is denied by default.
    internal const string BenchPolicy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: bench-l4}
        spec:
          endpointSelector: {matchLabels: {org: empire, class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire, class: tiefighter}}]
            toPorts: [{ports: [{port: "5201", protocol: TCP}, {port: "5202", protocol: TCP}]}]
        """;

    public static async Task<int> RunAsync(string mode, int rounds, double seconds)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("dp"), null, CancellationToken.None);
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var applied = await cluster.ApplyAsync(new ManifestText(BenchPolicy, "bench-l4.yaml"), ApplyMode.Apply, CancellationToken.None);
            if (!applied.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", applied.Errors));
            }
            var client = cluster.FindPod("default", "tiefighter")!;
            var server = cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal));
            var port = mode == "throughput" ? StreamPort : ConnectPort;
            var target = new IPEndPoint(server.Ip, port);
            using var listener = await PodTraffic.ListenAsync(server.Netns, port);
            await CheckPolicyAsync(cluster, listener, target);

            using var toggle = await DatapathToggle.OpenAsync(cluster, [client, server]);
            var duration = TimeSpan.FromSeconds(seconds);
            Func<Task<Measured>> measure = mode == "throughput"
                ? () => PodTraffic.StreamGbitsAsync(client.Netns, listener, target, duration)
                : () => PodTraffic.ConnectionsPerSecondAsync(client.Netns, listener, target, duration);
            // CPU per unit: ms per GB streamed, µs per connection.
            var (unit, per, cpuUnit, cpuScale) = mode == "throughput" ? ("Gbit/s", "GB", "ms", 1e3) : ("conn/s", "conn", "us", 1e6);

            await measure(); // warm-up: JIT, first conntrack entries
            var policy = new List<Round>();
            var baseline = new List<Round>();
            for (var r = 0; r < rounds; r++)
            {
                policy.Add(await Round.MeasureAsync(measure, cpuScale));
                await toggle.DetachAsync();
                baseline.Add(await Round.MeasureAsync(measure, cpuScale));
                await toggle.AttachAsync();
                Console.WriteLine($"round {r + 1}: policy {policy[^1].Rate:0.00} {unit}, no programs {baseline[^1].Rate:0.00} {unit}");
            }
            var what = mode == "throughput" ? $"TCP stream {seconds:0.#} s" : $"sequential TCP connect/close {seconds:0.#} s";
            double Med(List<Round> rs, Func<Round, double> f) => Stats.Median(rs.Select(f).ToList());
            Console.WriteLine($"{what}, tiefighter -> deathstar pod, {rounds} rounds each (median):");
            Console.WriteLine($"  with L3/L4 policy (bpf_lxc on both veths): {Med(policy, x => x.Rate):0.00} {unit}, CPU {Med(policy, x => x.CpuPerUnit):0.0} {cpuUnit}/{per} (flow pump {Med(policy, x => x.PumpPerUnit):0.0})");
            Console.WriteLine($"  same topology, no tc programs:              {Med(baseline, x => x.Rate):0.00} {unit}, CPU {Med(baseline, x => x.CpuPerUnit):0.0} {cpuUnit}/{per}");
            Console.WriteLine($"  ratio policy/baseline: {Med(policy, x => x.Rate) / Med(baseline, x => x.Rate):0.00} (rate), {Med(baseline, x => x.CpuPerUnit) / Med(policy, x => x.CpuPerUnit):0.00} (CPU per {per}, baseline/policy)");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }

    /// <summary>The baseline is only meaningful if the policy really enforces: x-wing must not get in.</summary>
    private static async Task CheckPolicyAsync(NetnsCluster cluster, System.Net.Sockets.Socket listener, IPEndPoint target)
    {
        var xwing = cluster.FindPod("default", "xwing")!;
        var tiefighter = cluster.FindPod("default", "tiefighter")!;
        if (await PodTraffic.CanConnectAsync(xwing.Netns, target, TimeSpan.FromSeconds(1)))
        {
            throw new InvalidOperationException($"policy not enforced: xwing reached {target}");
        }
        if (!await PodTraffic.CanConnectAsync(tiefighter.Netns, target, TimeSpan.FromSeconds(5)))
        {
            throw new InvalidOperationException($"tiefighter cannot reach {target} under bench-l4");
        }
        // Takes the check's connection off the backlog, so the first measured accept is a measured connection.
        using var accepted = await listener.AcceptAsync();
    }

    /// <summary>
    /// One measurement with the CPU this process spent on it (user + system of all its threads, which on veths
    /// includes the softirq work and our tc programs run in the senders' context), and the flow pump's share.
    /// Under a busy shared host the CPU per unit is steadier than the rate.
    /// </summary>
    private sealed record Round(double Rate, double CpuPerUnit, double PumpPerUnit)
    {
        /// <summary><paramref name="scale"/>: CPU seconds to the reported unit (1e6 for µs, 1e3 for ms).</summary>
        public static async Task<Round> MeasureAsync(Func<Task<Measured>> measure, double scale)
        {
            var cpu = CpuSeconds.Process();
            var pump = CpuSeconds.Threads("flow-pump");
            var m = await measure();
            var units = Math.Max(m.Units, 1e-9);
            return new Round(m.Rate, (CpuSeconds.Process() - cpu) * scale / units, (CpuSeconds.Threads("flow-pump") - pump) * scale / units);
        }
    }

}
