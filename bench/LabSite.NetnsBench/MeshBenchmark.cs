using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.NetnsBench;

/// <summary>
/// <c>crosscluster</c>: a Cluster Mesh of two Star Wars clusters (east, west) against the baseline of one two-node Star
/// Wars lab, created in the same run: tiefighter to the deathstar on the other node of its own cluster (VXLAN between
/// nodes) and east's tiefighter to a deathstar in west (VXLAN between clusters, judged with the identity east's pod has
/// in west's ipcache), rounds alternating, TCP stream Gbit/s and connect/close conn/s, each with the same L3/L4 policy
/// (in west naming the client's cluster).
/// </summary>
public static class MeshBenchmark
{
    private const int StreamPort = DatapathBenchmark.StreamPort;
    private const int ConnectPort = DatapathBenchmark.ConnectPort;

    // West lets east's tiefighters in: without the cluster label a selector means the local cluster only.
    private static readonly string s_meshPolicy = DatapathBenchmark.BenchPolicy
        .Replace("{org: empire, class: tiefighter}", "{org: empire, class: tiefighter, io.cilium.k8s.policy.cluster: east}", StringComparison.Ordinal);

    public static async Task<int> CrossClusterAsync(int rounds, double seconds)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        NetnsCluster? twoNode = null;
        NetnsCluster? east = null;
        try
        {
            twoNode = await backend.CreateAsync(new ClusterRequest("xn", Nodes: 2), null, CancellationToken.None);
            east = await backend.CreateAsync(new ClusterRequest("xm", Mesh: [new("east", 1), new("west", 2)]), null, CancellationToken.None);
            var west = backend.Find(MeshCluster.PeerClusterName("xm", "west"))!;
            await SetUpAsync(twoNode, DatapathBenchmark.BenchPolicy);
            await SetUpAsync(east, DatapathBenchmark.BenchPolicy);
            await SetUpAsync(west, s_meshPolicy);

            var nodeClient = twoNode.FindPod("default", "tiefighter")!;
            var nodeServer = Deathstars(twoNode).First(p => p.Node.Index != nodeClient.Node.Index);
            var meshClient = east.FindPod("default", "tiefighter")!;
            var meshServer = Deathstars(west)[0];
            // The mesh syncs after the pods start: wait until west's ipcache knows east's client.
            for (var i = 0; i < 100 && !(await west.GetIpcacheAsync(CancellationToken.None)).Any(e => e.Prefix == $"{meshClient.Ip}/32"); i++)
            {
                await Task.Delay(50);
            }
            foreach (var (mode, port, unit) in new[] { ("throughput", StreamPort, "Gbit/s"), ("connrate", ConnectPort, "conn/s") })
            {
                using var nodeListener = await PodTraffic.ListenAsync(nodeServer.Netns, port);
                using var meshListener = await PodTraffic.ListenAsync(meshServer.Netns, port);
                Func<Task<Measured>> Measure(PodRuntime client, PodRuntime server, System.Net.Sockets.Socket listener)
                {
                    var target = new IPEndPoint(server.Ip, port);
                    var duration = TimeSpan.FromSeconds(seconds);
                    return mode == "throughput"
                        ? () => PodTraffic.StreamGbitsAsync(client.Netns, listener, target, duration)
                        : () => PodTraffic.ConnectionsPerSecondAsync(client.Netns, listener, target, duration);
                }
                var crossNode = Measure(nodeClient, nodeServer, nodeListener);
                var crossCluster = Measure(meshClient, meshServer, meshListener);
                await crossNode();
                await crossCluster(); // warm-up: JIT, conntrack, neighbour entries
                var nodeRates = new List<double>();
                var meshRates = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    nodeRates.Add((await crossNode()).Rate);
                    meshRates.Add((await crossCluster()).Rate);
                    Console.WriteLine($"{mode} round {r + 1}: across nodes {nodeRates[^1]:0.00} {unit}, across clusters {meshRates[^1]:0.00} {unit}");
                }
                var (n, m) = (Stats.Median(nodeRates), Stats.Median(meshRates));
                Console.WriteLine($"{mode}, tiefighter -> deathstar with L3/L4 policy, {rounds} rounds of {seconds:0.#} s (median): across nodes of one cluster {n:0.00} {unit}, across clusters of a mesh {m:0.00} {unit}, ratio cluster/node {m / n:0.00}");
            }
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            foreach (var c in new[] { twoNode, east })
            {
                if (c is not null)
                {
                    await backend.DestroyAsync(c.Name, CancellationToken.None);
                }
            }
            BenchOptions.RemoveRoots(options);
        }
    }

    private static List<PodRuntime> Deathstars(NetnsCluster c) =>
        c.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).OrderBy(p => p.Spec.Name, StringComparer.Ordinal).ToList();

    private static async Task SetUpAsync(NetnsCluster cluster, string policy)
    {
        await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
        var applied = await cluster.ApplyAsync(new ManifestText(policy, "bench-l4.yaml"), ApplyMode.Apply, CancellationToken.None);
        if (!applied.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", applied.Errors));
        }
    }
}
