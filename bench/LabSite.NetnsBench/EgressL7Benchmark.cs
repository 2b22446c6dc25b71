using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.NetnsBench;

/// <summary>
/// HTTP requests/s and latency from tiefighter to one deathstar pod (GET /v1/healthz on keep-alive connections) on
/// three paths, measured in the same run: with an egress HTTP rule (every request through the lab's egress L7
/// listener), through Debian's nginx as a reverse proxy in the node namespace (the reference a user would otherwise
/// pick; no HTTP rule), and direct (the same egress policy without the rule, L3/L4 only). Rounds alternate the paths by
/// re-applying the policy; each round opens fresh connections, and each path is checked first (a PUT to the exhaust
/// port must get the proxy's 403, or the deathstar's own 503 through nginx or directly).
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

    private const int NginxPort = 8088;

    /// <summary>The direct policy plus the node (nginx) on <see cref="NginxPort"/>.</summary>
    private static readonly string s_toNginx = L4Only + $$"""

          - toEntities: [host]
            toPorts:
            - ports: [{port: "{{NginxPort}}", protocol: TCP}]
        """;

    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET /v1/healthz HTTP/1.1\r\nHost: deathstar\r\n\r\n");

    private sealed record Side(string Name, string Policy, IPEndPoint Target, string ExpectedPut)
    {
        public List<double> Rates { get; } = [];

        public List<double> LatenciesUs { get; } = [];

        /// <summary>Bytes the whole process (client, server, agent) allocated per request, per round.</summary>
        public List<double> BytesPerRequest { get; } = [];

        public List<double> Gen0PerSecond { get; } = [];
    }

    public static async Task<int> RunAsync(int rounds, double seconds, int connections)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("l7"), null, CancellationToken.None);
        NginxReference? nginx = null;
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var client = cluster.FindPod("default", "tiefighter")!;
            var server = cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal));
            var target = new IPEndPoint(server.Ip, 80);
            nginx = await NginxReference.StartAsync(cluster.Names.NodeNetns, new IPEndPoint(cluster.Addressing.NodeIp, NginxPort), target);
            var duration = TimeSpan.FromSeconds(seconds);
            Side[] sides =
            [
                new("egress L7 proxy (HTTP rule)", WithHttpRule, target, "403"),
                new("nginx reverse proxy", s_toNginx, nginx.Listen, "503"),
                new("direct (L3/L4 only)", L4Only, target, "503"),
            ];

            async Task<(double Rate, List<double> LatenciesUs)> MeasureAsync(Side side)
            {
                await ApplyAsync(cluster, side.Policy);
                var put = await PutStatusAsync(client.Netns, side.Target);
                if (put != side.ExpectedPut)
                {
                    throw new InvalidOperationException($"{side.Name}: PUT /v1/exhaust-port answered {put}, expected {side.ExpectedPut}: the side is not what it claims");
                }
                var (allocated, gen0) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
                var measured = await RequestsPerSecondAsync(client.Netns, side.Target, connections, duration);
                side.BytesPerRequest.Add((GC.GetTotalAllocatedBytes() - allocated) / Math.Max(1.0, measured.LatenciesUs.Count));
                side.Gen0PerSecond.Add((GC.CollectionCount(0) - gen0) / duration.TotalSeconds);
                return measured;
            }

            foreach (var side in sides)
            {
                await MeasureAsync(side); // warm-up: JIT, nginx workers, proxy connections, first conntrack entries
            }

            for (var r = 0; r < rounds; r++)
            {
                foreach (var side in sides)
                {
                    var (rate, latencies) = await MeasureAsync(side);
                    side.Rates.Add(rate);
                    side.LatenciesUs.AddRange(latencies);
                }
                Console.WriteLine($"round {r + 1}: " + string.Join(", ", sides.Select(x => $"{x.Name} {x.Rates[^1]:0} req/s")));
            }

            var direct = Stats.Median(sides[^1].Rates);
            Console.WriteLine($"HTTP GET on {connections} keep-alive connections, {seconds:0.#} s per round, tiefighter -> deathstar pod, {rounds} rounds each (median req/s; latency over all requests):");
            foreach (var side in sides)
            {
                var rate = Stats.Median(side.Rates);
                Console.WriteLine($"  {side.Name}: {rate:0} req/s, p50 {Stats.Percentile(side.LatenciesUs, 0.50):0} µs, p99 {Stats.Percentile(side.LatenciesUs, 0.99):0} µs, ratio to direct {rate / direct:0.00}; allocated {Stats.Median(side.BytesPerRequest.Skip(1).ToList()):0} B/request, {Stats.Median(side.Gen0PerSecond.Skip(1).ToList()):0} gen0 GCs/s");
            }
            Console.WriteLine($"  ratio egress L7 proxy / nginx: {Stats.Median(sides[0].Rates) / Stats.Median(sides[1].Rates):0.00}");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            // The agent (labsite, Web SDK) runs server GC; this process runs workstation GC unless DOTNET_gcServer=1.
            Console.WriteLine($"  GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} CPUs");
            return 0;
        }
        finally
        {
            if (nginx is not null)
            {
                await nginx.DisposeAsync();
            }
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
    /// request limit) is followed by a fresh connection, as HTTP clients do. Returns requests/s and every request's
    /// latency (send to last response byte) in microseconds.
    /// </summary>
    internal static async Task<(double Rate, List<double> LatenciesUs)> RequestsPerSecondAsync(string netns, IPEndPoint target, int connections, TimeSpan duration)
    {
        Socket Connect()
        {
            var s = NetnsThread.RunAsync(LabNames.NetnsPath(netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
                .GetAwaiter().GetResult();
            s.Connect(target);
            return s;
        }

        var sw = Stopwatch.StartNew();
        var loops = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Factory.StartNew(() => RequestLoop(Connect, duration), TaskCreationOptions.LongRunning)));
        var elapsed = sw.Elapsed.TotalSeconds;
        var slowestConnect = loops.Max(l => l.SlowestConnectMs);
        var slowestRequest = loops.Max(l => l.Latencies.Count == 0 ? 0 : l.Latencies.Max()) / 1000;
        if (slowestConnect > StallMs || slowestRequest > StallMs)
        {
            // A stall, not a rate: say so next to the round, so a low round can be told from a slow path.
            Console.WriteLine($"  stall in this round: slowest connect {slowestConnect:0} ms, slowest request {slowestRequest:0} ms ({loops.Sum(l => l.Connects)} connects)");
        }
        return (loops.Sum(l => l.Latencies.Count) / elapsed, [.. loops.SelectMany(l => l.Latencies)]);
    }

    private const double StallMs = 100;

    private sealed record LoopResult(List<double> Latencies, double SlowestConnectMs, int Connects);

    private static LoopResult RequestLoop(Func<Socket> connect, TimeSpan duration)
    {
        var buffer = new byte[4096];
        var latencies = new List<double>(1 << 16);
        double slowestConnect = 0;
        var connects = 0;
        Socket TimedConnect()
        {
            var started = Stopwatch.GetTimestamp();
            var socket = connect();
            slowestConnect = Math.Max(slowestConnect, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            connects++;
            return socket;
        }

        var sw = Stopwatch.StartNew();
        var s = TimedConnect();
        try
        {
            while (sw.Elapsed < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                s.Send(s_request);
                var close = ReadResponse(s, buffer);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
                if (close)
                {
                    s.Dispose();
                    s = TimedConnect();
                }
            }
        }
        finally
        {
            s.Dispose();
        }
        return new LoopResult(latencies, slowestConnect, connects);
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
