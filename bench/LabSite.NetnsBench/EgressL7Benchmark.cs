using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.NetnsBench;

/// <summary>
/// HTTP requests/s from tiefighter to one deathstar pod (GET /v1/healthz on keep-alive connections), with an egress
/// HTTP rule (every request through the lab's egress L7 listener) against the same egress policy without the rule
/// (L3/L4 only, straight to the pod). Rounds alternate by re-applying the policy; each round opens fresh connections,
/// and each side is checked first (a PUT to the exhaust port must get the proxy's 403, or the deathstar's own 503).
/// </summary>
public static class EgressL7Benchmark
{
    private const string L4Only = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: bench-egress}
        spec:
          endpointSelector: {matchLabels: {class: tiefighter}}
          egress:
          - toEndpoints: [{matchLabels: {org: empire, class: deathstar}}]
            toPorts:
            - ports: [{port: "80", protocol: TCP}]
        """;

    private const string WithHttpRule = L4Only + """

              rules:
                http: [{method: GET, path: "/v1/.*"}]
        """;

    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET /v1/healthz HTTP/1.1\r\nHost: deathstar\r\n\r\n");

    public static async Task<int> RunAsync(int rounds, double seconds, int connections)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("l7"), null, CancellationToken.None);
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var client = cluster.FindPod("default", "tiefighter")!;
            var server = cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal));
            var target = new IPEndPoint(server.Ip, 80);
            var duration = TimeSpan.FromSeconds(seconds);

            async Task<double> MeasureAsync(string policy, string expectedPutStatus)
            {
                await ApplyAsync(cluster, policy);
                var put = await PutStatusAsync(client.Netns, target);
                if (put != expectedPutStatus)
                {
                    throw new InvalidOperationException($"PUT /v1/exhaust-port answered {put}, expected {expectedPutStatus}: the side is not what it claims");
                }
                return await RequestsPerSecondAsync(client.Netns, target, connections, duration);
            }

            await MeasureAsync(WithHttpRule, "403"); // warm-up: JIT, proxy connections, first conntrack entries
            var proxied = new List<double>();
            var direct = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                proxied.Add(await MeasureAsync(WithHttpRule, "403"));
                direct.Add(await MeasureAsync(L4Only, "503"));
                Console.WriteLine($"round {r + 1}: egress L7 proxy {proxied[^1]:0} req/s, direct {direct[^1]:0} req/s");
            }
            var (p, d) = (Stats.Median(proxied), Stats.Median(direct));
            Console.WriteLine($"HTTP GET on {connections} keep-alive connections, {seconds:0.#} s per round, tiefighter -> deathstar pod, {rounds} rounds each (median):");
            Console.WriteLine($"  egress HTTP rule (egress L7 listener): {p:0} req/s");
            Console.WriteLine($"  same policy without the rule (direct): {d:0} req/s");
            Console.WriteLine($"  ratio proxy/direct: {p / d:0.00}");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }

    private static async Task ApplyAsync(NetnsCluster cluster, string policy)
    {
        var applied = await cluster.ApplyAsync(new ManifestText(policy, "bench-egress.yaml"), ApplyMode.Apply, CancellationToken.None);
        if (!applied.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", applied.Errors));
        }
        await cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    private static async Task<string> PutStatusAsync(string netns, IPEndPoint target)
    {
        using var s = await NetnsThread.RunAsync(LabNames.NetnsPath(netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await s.ConnectAsync(target, cts.Token);
        await s.SendAsync(Encoding.ASCII.GetBytes("PUT /v1/exhaust-port HTTP/1.1\r\nHost: deathstar\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), cts.Token);
        var buffer = new byte[64];
        var n = await s.ReceiveAsync(buffer, cts.Token);
        var line = Encoding.ASCII.GetString(buffer, 0, n);
        return line.Length >= 12 ? line[9..12] : line;
    }

    /// <summary>
    /// Sequential requests on each of <paramref name="connections"/> keep-alive connections (one thread each, sockets made
    /// in the client pod), all for the duration; a response that says <c>Connection: close</c> (a server's per-connection
    /// request limit) is followed by a fresh connection, as HTTP clients do.
    /// </summary>
    internal static async Task<double> RequestsPerSecondAsync(string netns, IPEndPoint target, int connections, TimeSpan duration)
    {
        Socket Connect()
        {
            var s = NetnsThread.RunAsync(LabNames.NetnsPath(netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
                .GetAwaiter().GetResult();
            s.Connect(target);
            return s;
        }

        var sw = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Factory.StartNew(() => RequestLoop(Connect, duration), TaskCreationOptions.LongRunning)));
        return counts.Sum() / sw.Elapsed.TotalSeconds;
    }

    private static int RequestLoop(Func<Socket> connect, TimeSpan duration)
    {
        var buffer = new byte[4096];
        var count = 0;
        var sw = Stopwatch.StartNew();
        var s = connect();
        try
        {
            while (sw.Elapsed < duration)
            {
                s.Send(s_request);
                var close = ReadResponse(s, buffer);
                count++;
                if (close)
                {
                    s.Dispose();
                    s = connect();
                }
            }
        }
        finally
        {
            s.Dispose();
        }
        return count;
    }

    /// <summary>
    /// Reads one response with a Content-Length body; throws on anything but 200 (the measurement would lie). True when
    /// the server closes the connection after it.
    /// </summary>
    private static bool ReadResponse(Socket s, byte[] buffer)
    {
        var have = 0;
        int headEnd;
        while ((headEnd = buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8)) < 0)
        {
            var n = s.Receive(buffer, have, buffer.Length - have, SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("connection closed mid-response");
            }
            have += n;
        }
        var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
        if (!head.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unexpected response: {Encoding.ASCII.GetString(buffer, 0, have)}");
        }
        var lines = head.Split("\r\n");
        var lengthLine = lines.First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var body = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var remaining = body - (have - (headEnd + 4));
        while (remaining > 0)
        {
            var n = s.Receive(buffer, 0, Math.Min(buffer.Length, remaining), SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("connection closed mid-body");
            }
            remaining -= n;
        }
        return lines.Any(l => l.Equals("Connection: close", StringComparison.OrdinalIgnoreCase));
    }

}
