using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>
/// HTTP requests/s from tiefighter through Cilium's ingress (an Ingress of class cilium routing /v1 to deathstar: every
/// request parsed, routed and forwarded by the node's routed L7 listener on the LB-IPAM address) against the same
/// GET /v1/healthz straight to a deathstar pod, which is where the deathstar ClusterIP sends a connection (the socket
/// LB translates once, at connect; on keep-alive connections every later request costs the same as the pod address).
/// Rounds alternate; each opens fresh connections. Responses other than 200 abort the run.
/// </summary>
public static class IngressBenchmark
{
    private const string Ingress = """
        apiVersion: cilium.io/v2
        kind: CiliumLoadBalancerIPPool
        metadata: {name: bench-pool}
        spec:
          blocks: [{cidr: 172.31.0.0/24}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: bench}
        spec:
          ingressClassName: cilium
          rules:
          - http:
              paths:
              - {path: /v1, pathType: Prefix, backend: {service: {name: deathstar, port: {number: 80}}}}
        """;

    public static async Task<int> RunAsync(int rounds, double seconds, int connections)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("ingress"), null, CancellationToken.None);
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var applied = await cluster.ApplyAsync(new ManifestText(Ingress, "bench-ingress.yaml"), ApplyMode.Apply, CancellationToken.None);
            if (!applied.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", applied.Errors));
            }
            await cluster.WaitUntilSettledAsync(CancellationToken.None);
            await cluster.ReconcileIngressAsync(CancellationToken.None);
            var address = (string?)cluster.Store.Get(new ObjectQuery("ingresses", "default", Name: "bench")).Single().Json["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]
                ?? throw new InvalidOperationException("the Ingress got no address");
            var client = cluster.FindPod("default", "tiefighter")!;
            var pod = cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal));
            var viaIngress = new IPEndPoint(IPAddress.Parse(address), 80);
            var direct = new IPEndPoint(pod.Ip, 80);
            var duration = TimeSpan.FromSeconds(seconds);

            await EgressL7Benchmark.RequestsPerSecondAsync(client.Netns, viaIngress, connections, duration); // warm-up
            var ingress = new List<double>();
            var straight = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                ingress.Add((await EgressL7Benchmark.RequestsPerSecondAsync(client.Netns, viaIngress, connections, duration)).Rate);
                straight.Add((await EgressL7Benchmark.RequestsPerSecondAsync(client.Netns, direct, connections, duration)).Rate);
                Console.WriteLine($"round {r + 1}: ingress {ingress[^1]:0} req/s, direct {straight[^1]:0} req/s");
            }
            var (i, d) = (Stats.Median(ingress), Stats.Median(straight));
            Console.WriteLine($"HTTP GET /v1/healthz on {connections} keep-alive connections, {seconds:0.#} s per round, tiefighter, {rounds} rounds each (median):");
            Console.WriteLine($"  through the Ingress ({address}, routed L7 listener): {i:0} req/s");
            Console.WriteLine($"  straight to the deathstar pod (the ClusterIP's backend): {d:0} req/s");
            Console.WriteLine($"  ratio ingress/direct: {i / d:0.00}");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }
}
