using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.NetnsBench;

/// <summary>
/// <c>mutualauth</c>: a two-node Star Wars lab where tiefighter may reach the deathstar on the other node on two ports,
/// one of them with <c>authentication.mode: required</c>. Each run first revokes and restores the tiefighter's identity
/// (its auth entries go), then opens one connection to each port, alternating. Reported, p50 over runs: from the first
/// AUTH_REQUIRED drop to the first forwarded packet (the datapath's event times; TCP's one-second SYN retransmission
/// decides most of it), the handshake alone (signal to auth map entry, as the agent measures a direct handshake between
/// the nodes), and the client's connect time with and without authentication.
/// </summary>
public static class MutualAuthBenchmark
{
    private const int AuthPort = 5301;
    private const int PlainPort = 5302;

    private const string Policy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: bench-auth}
        spec:
          endpointSelector: {matchLabels: {org: empire, class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {class: tiefighter}}]
            toPorts: [{ports: [{port: "5301", protocol: TCP}]}]
            authentication: {mode: required}
          - fromEndpoints: [{matchLabels: {class: tiefighter}}]
            toPorts: [{ports: [{port: "5302", protocol: TCP}]}]
        """;

    public static async Task<int> RunAsync(int runs)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("ma", Nodes: 2), null, CancellationToken.None);
        try
        {
            await StarWars.ApplyManifestAsync(cluster, CancellationToken.None);
            var applied = await cluster.ApplyAsync(new ManifestText(Policy, "bench-auth.yaml"), ApplyMode.Apply, CancellationToken.None);
            if (!applied.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", applied.Errors));
            }
            await cluster.WaitUntilSettledAsync(CancellationToken.None);
            var client = cluster.FindPod("default", "tiefighter")!;
            var server = cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal) && p.Node.Index != client.Node.Index);
            using var authListener = await PodTraffic.ListenAsync(server.Netns, AuthPort);
            using var plainListener = await PodTraffic.ListenAsync(server.Netns, PlainPort);
            var endpoints = await cluster.GetEndpointsAsync(CancellationToken.None);
            var clientId = endpoints.Single(e => e.IPv4 == client.Ip.ToString()).Identity;
            var serverId = endpoints.Single(e => e.IPv4 == server.Ip.ToString()).Identity;
            var agent = cluster.MutualAuth!;

            var dropToForward = new List<double>();
            var authConnect = new List<double>();
            var plainConnect = new List<double>();
            var handshakes = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                // No auth entry for the pair: revoking deletes them, restoring lets the identity be issued again.
                await cluster.ChangeSpireEntriesAsync(new SpireEntryChange(false, clientId, null), CancellationToken.None);
                await cluster.ChangeSpireEntriesAsync(new SpireEntryChange(true, clientId, null), CancellationToken.None);
                var since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
                var plain = await ConnectMsAsync(client.Netns, plainListener, new IPEndPoint(server.Ip, PlainPort));
                var auth = await ConnectMsAsync(client.Netns, authListener, new IPEndPoint(server.Ip, AuthPort));
                var handshake = Stopwatch.StartNew();
                await agent.HandshakeAsync(cluster.Nodes[server.Node.Index], cluster.Nodes[client.Node.Index], serverId, clientId, CancellationToken.None);
                var handshakeMs = handshake.Elapsed.TotalMilliseconds;
                var gap = await DropToForwardMsAsync(cluster, since, AuthPort);
                if (run == 0)
                {
                    continue; // warm-up: JIT, TLS, neighbour entries
                }
                plainConnect.Add(plain);
                authConnect.Add(auth);
                handshakes.Add(handshakeMs);
                dropToForward.Add(gap);
                Console.WriteLine($"run {run}: drop->forwarded {gap:0.0} ms, handshake {handshakeMs:0.0} ms, connect with auth {auth:0.0} ms, without {plain:0.0} ms");
            }
            Console.WriteLine($"mutual auth across 2 nodes, {runs} runs: first AUTH_REQUIRED drop -> first forwarded packet {Stats.Summary(dropToForward)}");
            Console.WriteLine($"  handshake (TLS 1.3, node to node): {Stats.Summary(handshakes)}");
            Console.WriteLine($"  connect with auth required: {Stats.Summary(authConnect)}; without (baseline, same run): {Stats.Summary(plainConnect)}; ratio p50 {Stats.Median(authConnect) / Math.Max(Stats.Median(plainConnect), 0.001):0.0}");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }

    private static async Task<double> ConnectMsAsync(string clientNetns, Socket listener, IPEndPoint server)
    {
        using var s = await NetnsThread.RunAsync(LabNames.NetnsPath(clientNetns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sw = Stopwatch.StartNew();
        await s.ConnectAsync(server, timeout.Token);
        var ms = sw.Elapsed.TotalMilliseconds;
        using var accepted = await listener.AcceptAsync(timeout.Token);
        return ms;
    }

    /// <summary>From the first AUTH_REQUIRED drop to the first to-endpoint trace after it, on <paramref name="port"/>.</summary>
    private static async Task<double> DropToForwardMsAsync(NetnsCluster cluster, Timestamp since, int port)
    {
        var filter = new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Build();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var flows = await cluster.GetFlowsAsync(new FlowQuery(filter, All: true, Since: since), CancellationToken.None);
            var drop = flows.FirstOrDefault(f => f.Flow.DropReasonDesc == DropReason.AUTH_REQUIRED && f.Flow.EventType?.Type == 1);
            var forwarded = drop is null ? null : flows.FirstOrDefault(f => f.Flow.Verdict == Verdict.FORWARDED && f.Flow.TraceObservationPoint == TraceObservationPoint.TO_ENDPOINT && f.FlowTime.CompareTo(drop.FlowTime) > 0);
            if (drop is not null && forwarded is not null)
            {
                return ((forwarded.FlowTime.Seconds - drop.FlowTime.Seconds) * 1e3) + ((forwarded.FlowTime.Nanos - drop.FlowTime.Nanos) / 1e6);
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException("no AUTH_REQUIRED drop followed by a forwarded packet on the auth port");
    }
}
