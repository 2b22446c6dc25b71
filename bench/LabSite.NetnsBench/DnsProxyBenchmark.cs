using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.NetnsBench;

/// <summary>
/// DNS lookups/s and latency from tiefighter to the lab's cluster DNS on the node, through the DNS proxy (egress policy
/// with a DNS rule and a toFQDNs rule, so every answer is also recorded in the FQDN cache and reported as two Hubble
/// DNS flows) against the same port allowed without a DNS rule (answered straight by cluster DNS, unobserved). Rounds
/// alternate by re-applying the policy; each side is checked first: a name outside the DNS rule gets REFUSED through
/// the proxy and an answer without it. Sequential queries on each of N UDP sockets (one thread each).
/// </summary>
public static class DnsProxyBenchmark
{
    private const string Outside = "api.example.com";

    private const string WithoutDnsRule = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: bench-dns}
        spec:
          endpointSelector: {matchLabels: {class: tiefighter}}
          egress:
          - toEntities: [host]
            toPorts:
            - ports: [{port: "53", protocol: ANY}]
        """;

    private const string WithDnsRule = WithoutDnsRule + """

              rules:
                dns: [{matchPattern: "*.example.com"}]
          - toFQDNs: [{matchName: api.example.com}]
            toPorts:
            - ports: [{port: "80", protocol: TCP}]
        """;

    private const byte NoError = 0;
    private const byte Refused = 5;

    public static async Task<int> RunAsync(int rounds, double seconds, int sockets)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("dns", OutsideHosts: [$"{Outside} ttl=600"]), null, CancellationToken.None);
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var client = cluster.FindPod("default", "tiefighter")!;
            var server = new IPEndPoint(cluster.Addressing.NodeIp, 53);
            var duration = TimeSpan.FromSeconds(seconds);
            var outsideQuery = Query(Outside);
            var checkQuery = Query("kubernetes.default.svc.cluster.local");

            async Task<(double Rate, List<double> LatenciesUs)> MeasureAsync(string policy, byte expectedCheck)
            {
                var applied = await cluster.ApplyAsync(new ManifestText(policy, "bench-dns.yaml"), ApplyMode.Apply, CancellationToken.None);
                if (!applied.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("; ", applied.Errors));
                }
                await cluster.WaitUntilSettledAsync(CancellationToken.None);
                var rcode = await NetnsThread.RunAsync(LabNames.NetnsPath(client.Netns), () => Ask(server, checkQuery));
                if (rcode != expectedCheck)
                {
                    throw new InvalidOperationException($"kubernetes.default.svc.cluster.local answered rcode {rcode}, expected {expectedCheck}: the side is not what it claims");
                }
                return await QueriesPerSecondAsync(client.Netns, server, outsideQuery, sockets, duration);
            }

            await MeasureAsync(WithDnsRule, Refused); // warm-up: JIT, the FQDN cache's first entry
            await MeasureAsync(WithoutDnsRule, NoError);
            var proxied = new List<double>();
            var direct = new List<double>();
            var proxiedUs = new List<double>();
            var directUs = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                var (p, pl) = await MeasureAsync(WithDnsRule, Refused);
                var (d, dl) = await MeasureAsync(WithoutDnsRule, NoError);
                proxied.Add(p);
                direct.Add(d);
                proxiedUs.AddRange(pl);
                directUs.AddRange(dl);
                Console.WriteLine($"round {r + 1}: DNS proxy {p:0} queries/s, cluster DNS directly {d:0} queries/s");
            }

            var (pm, dm) = (Stats.Median(proxied), Stats.Median(direct));
            Console.WriteLine($"A queries for {Outside} on {sockets} UDP sockets, {seconds:0.#} s per round, tiefighter -> cluster DNS on the node, {rounds} rounds each (median; latency over all queries):");
            Console.WriteLine($"  DNS rule (DNS proxy, FQDN cache, 2 flows per query): {pm:0} queries/s, p50 {Stats.Percentile(proxiedUs, 0.5):0} µs, p99 {Stats.Percentile(proxiedUs, 0.99):0} µs");
            Console.WriteLine($"  no DNS rule (cluster DNS directly):                   {dm:0} queries/s, p50 {Stats.Percentile(directUs, 0.5):0} µs, p99 {Stats.Percentile(directUs, 0.99):0} µs");
            Console.WriteLine($"  ratio proxy/direct: {pm / dm:0.00}; added latency p50 {Stats.Percentile(proxiedUs, 0.5) - Stats.Percentile(directUs, 0.5):0} µs");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }

    private static async Task<(double Rate, List<double> LatenciesUs)> QueriesPerSecondAsync(
        string netns, IPEndPoint server, byte[] query, int sockets, TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        var loops = await Task.WhenAll(Enumerable.Range(0, sockets).Select(i => Task.Factory.StartNew(() =>
        {
            using var s = NetnsThread.RunAsync(LabNames.NetnsPath(netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
                .GetAwaiter().GetResult();
            s.ReceiveTimeout = 2000;
            s.Connect(server);
            var mine = (byte[])query.Clone();
            var reply = new byte[512];
            var latencies = new List<double>(1 << 15);
            var loop = Stopwatch.StartNew();
            for (ushort id = (ushort)(i << 12); loop.Elapsed < duration; id++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(mine, id);
                var sent = Stopwatch.GetTimestamp();
                s.Send(mine);
                int n;
                do
                {
                    n = s.Receive(reply); // a timeout throws: a lost answer must not pass silently
                }
                while (n < 12 || BinaryPrimitives.ReadUInt16BigEndian(reply) != id);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
                if ((reply[3] & 0x0F) != NoError || BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6)) == 0)
                {
                    throw new InvalidOperationException($"{Outside}: rcode {reply[3] & 0x0F} or no answer");
                }
            }
            return latencies;
        }, TaskCreationOptions.LongRunning)));
        var elapsed = sw.Elapsed.TotalSeconds;
        return (loops.Sum(l => l.Count) / elapsed, [.. loops.SelectMany(l => l)]);
    }

    /// <summary>One query, its reply's rcode.</summary>
    private static byte Ask(IPEndPoint server, byte[] query)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        s.Connect(server);
        s.Send(query);
        var reply = new byte[512];
        var n = s.Receive(reply);
        return n >= 4 ? (byte)(reply[3] & 0x0F) : byte.MaxValue;
    }

    /// <summary>A recursion-desired A/IN query for <paramref name="name"/>.</summary>
    private static byte[] Query(string name)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.AddRange([0, 0, 1, 0, 1]);
        return [.. bytes];
    }
}
