using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Auth;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Auth;

/// <summary>
/// Mutual authentication on a real two-node lab: the Star Wars L3/L4 policy with <c>authentication.mode: required</c>.
/// The first SYN drops with AUTH_REQUIRED, the deathstar's node does a real TLS 1.3 handshake with the tiefighter's node
/// (the server side sees the deathstar identity's SPIFFE ID), the auth map gets the pair, and the retransmitted SYN is
/// forwarded. Revoking the tiefighter's identity removes its entries and its traffic drops again; a peer holding another
/// lab's certificates is refused both ways.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class MutualAuthPrivilegedTests : IAsyncLifetime
{
    private const string AuthPolicy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: rule1
        spec:
          endpointSelector:
            matchLabels: {org: empire, class: deathstar}
          ingress:
          - fromEndpoints:
            - matchLabels: {org: empire}
            toPorts:
            - ports:
              - port: "80"
                protocol: TCP
            authentication:
              mode: required
        """;

    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("ma", Nodes: 2), null, CancellationToken.None);
        await StartStarWarsAsync(_cluster);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private static async Task StartStarWarsAsync(NetnsCluster cluster)
    {
        Assert.True((await cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await cluster.WaitUntilSettledAsync(CancellationToken.None);
        var applied = await cluster.ApplyAsync(StoreFixture.Yaml(AuthPolicy), ApplyMode.Create, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
    }

    [Fact]
    public async Task First_packet_drops_until_a_real_handshake_authenticates_the_pair_across_nodes()
    {
        var tiefighter = Pod(_cluster, "tiefighter");
        var remote = Deathstars(_cluster).Single(d => d.Node.Index != tiefighter.Node.Index);
        var deathstarId = await IdentityAsync(_cluster, remote);
        var tiefighterId = await IdentityAsync(_cluster, tiefighter);
        Assert.Empty(await _cluster.GetAuthEntriesAsync(CancellationToken.None) ?? []);

        // curl's SYN drops; the kernel retransmits it a second later, by when the pair is authenticated.
        Assert.Equal("Ship landed\n", (await LandAsync(_cluster, "tiefighter", remote.Ip, connectTimeout: 8)).Stdout);

        var drop = (await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "drop").Build()))[0];
        Assert.Equal(DropReason.AUTH_REQUIRED, drop.Flow.DropReasonDesc);
        Assert.Equal(remote.Node.HubbleName, drop.Flow.NodeName);
        Assert.Contains("Authentication required DROPPED", FlowPrinter.Compact(drop), StringComparison.Ordinal);
        var forwarded = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "trace:to-endpoint").Build());
        Assert.Contains(forwarded, f => f.FlowTime.CompareTo(drop.FlowTime) > 0);
        // The deathstar's policy verdicts carry the entry's auth type, as Hubble's summary shows it.
        var verdicts = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "policy-verdict").Build());
        Assert.Contains(verdicts, v => v.Flow.Verdict == Verdict.DROPPED && v.Flow.DropReasonDesc == DropReason.AUTH_REQUIRED && v.Flow.AuthType == AuthType.SPIRE);
        Assert.Contains(verdicts, v => v.Flow.Verdict == Verdict.FORWARDED
            && FlowPrinter.Compact(v).Contains("policy-verdict:L3-L4 INGRESS ALLOWED (TCP Flags: SYN; Auth: SPIRE)", StringComparison.Ordinal));

        // The deathstar's node dropped (ingress), so it was the client: the tiefighter's node served and saw its SPIFFE ID.
        var server = _cluster.MutualAuth!.Listeners[tiefighter.Node.Index];
        Assert.Contains(SpireEntryModel.SpiffeIdOf(deathstarId), server.ObservedClients);
        var entries = await _cluster.GetAuthEntriesAsync(CancellationToken.None);
        var entry = Assert.Single(entries!, e => e.LocalIdentity == deathstarId && e.RemoteIdentity == tiefighterId);
        Assert.Equal(MutualAuthAgent.NodeId(tiefighter.Node), entry.RemoteNodeId);
        Assert.NotEqual(0, entry.RemoteNodeId);
        Assert.Equal("spire", entry.AuthType);
        Assert.Equal(remote.Node.Name, entry.Node);
        Assert.True(entry.Expiration > DateTimeOffset.UtcNow.AddMinutes(50), $"expires with the one-hour certificate, not {entry.Expiration}");
        Assert.Contains("SRC IDENTITY   DST IDENTITY   REMOTE NODE ID   AUTH TYPE   EXPIRATION", AuthEntryModel.ToText(entries!), StringComparison.Ordinal);

        // The same pair on one node: remote node id 0.
        var local = Deathstars(_cluster).Single(d => d.Node.Index == tiefighter.Node.Index);
        Assert.Equal("Ship landed\n", (await LandAsync(_cluster, "tiefighter", local.Ip, connectTimeout: 8)).Stdout);
        entries = await _cluster.GetAuthEntriesAsync(CancellationToken.None);
        Assert.Contains(entries!, e => e.LocalIdentity == deathstarId && e.RemoteIdentity == tiefighterId && e.RemoteNodeId == 0 && e.Node == tiefighter.Node.Name);
        // Not authenticated, not allowed: the xwing still gets the plain policy drop.
        Assert.Equal(28, (await LandAsync(_cluster, "xwing", remote.Ip, connectTimeout: 2)).ExitCode);
    }

    [Fact]
    public async Task An_http_rule_that_requires_auth_is_authenticated_and_judged_on_the_destinations_node()
    {
        var l7 = AuthPolicy.Replace("""
                    protocol: TCP
                authentication:
            """, """
                    protocol: TCP
                  rules:
                    http: [{method: POST, path: /v1/request-landing}]
                authentication:
            """, StringComparison.Ordinal);
        Assert.NotEqual(AuthPolicy, l7);
        var applied = await _cluster.ApplyAsync(StoreFixture.Yaml(l7), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var tiefighter = Pod(_cluster, "tiefighter");
        var remote = Deathstars(_cluster).Single(d => d.Node.Index != tiefighter.Node.Index);
        var deathstarId = await IdentityAsync(_cluster, remote);
        var tiefighterId = await IdentityAsync(_cluster, tiefighter);

        // The remote deathstar's node redirects at from-overlay, and first asks for the pair's authentication there.
        Assert.Equal("Ship landed\n", (await LandAsync(_cluster, "tiefighter", remote.Ip, connectTimeout: 8)).Stdout);
        var denied = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "--max-time", "5", "-XPUT", $"http://{remote.Ip}/v1/exhaust-port");
        Assert.Equal("Access denied\r\n", denied.Stdout);

        var drop = (await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "drop").Build()))[0];
        Assert.Equal(DropReason.AUTH_REQUIRED, drop.Flow.DropReasonDesc);
        Assert.Equal(remote.Node.HubbleName, drop.Flow.NodeName);
        var entries = await _cluster.GetAuthEntriesAsync(CancellationToken.None);
        var entry = Assert.Single(entries!, e => e.LocalIdentity == deathstarId && e.RemoteIdentity == tiefighterId);
        Assert.Equal((MutualAuthAgent.NodeId(tiefighter.Node), remote.Node.Name), (entry.RemoteNodeId, entry.Node));
        var http = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("protocol", "http").Add("verdict", "DROPPED").Build());
        Assert.All(http, r => Assert.Equal(remote.Node.HubbleName, r.Flow.NodeName));
        var redirected = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "policy-verdict").Add("verdict", "REDIRECTED").Build());
        Assert.Contains(redirected, v => v.Flow.AuthType == AuthType.SPIRE && v.Flow.NodeName == remote.Node.HubbleName);
    }

    [Fact]
    public async Task Revoking_an_identity_removes_its_entries_and_its_traffic_drops_until_it_is_reissued()
    {
        var tiefighter = Pod(_cluster, "tiefighter");
        var remote = Deathstars(_cluster).Single(d => d.Node.Index != tiefighter.Node.Index);
        var tiefighterId = await IdentityAsync(_cluster, tiefighter);
        Assert.Equal("Ship landed\n", (await LandAsync(_cluster, "tiefighter", remote.Ip, connectTimeout: 8)).Stdout);
        Assert.Contains(await _cluster.GetAuthEntriesAsync(CancellationToken.None) ?? [], e => e.RemoteIdentity == tiefighterId);

        var revoked = await _cluster.ChangeSpireEntriesAsync(new SpireEntryChange(false, null, ["k8s:class=tiefighter"]), CancellationToken.None);

        Assert.Equal([tiefighterId], revoked!.Select(e => e.Identity));
        Assert.DoesNotContain(await _cluster.GetAuthEntriesAsync(CancellationToken.None) ?? [], e => e.RemoteIdentity == tiefighterId || e.LocalIdentity == tiefighterId);
        Assert.DoesNotContain(await _cluster.GetSpireEntriesAsync(CancellationToken.None) ?? [], e => e.Identity == tiefighterId);
        var dropsBefore = await CountAuthDropsAsync(_cluster, "tiefighter");
        Assert.Equal(28, (await LandAsync(_cluster, "tiefighter", remote.Ip, connectTimeout: 3)).ExitCode);
        Assert.True(await CountAuthDropsAsync(_cluster, "tiefighter") > dropsBefore, "the revoked identity's SYNs drop with AUTH_REQUIRED");
        Assert.True(_cluster.MutualAuth!.Failures > 0, "the handshake for the revoked identity failed");
        Assert.Contains($"remote {tiefighterId}", _cluster.MutualAuth.LastError ?? "", StringComparison.Ordinal);

        var restored = await _cluster.ChangeSpireEntriesAsync(new SpireEntryChange(true, tiefighterId, null), CancellationToken.None);
        Assert.Single(restored!);
        Assert.Equal("Ship landed\n", (await LandAsync(_cluster, "tiefighter", remote.Ip, connectTimeout: 8)).Stdout);
        await Assert.ThrowsAsync<ClusterException>(() => _cluster.ChangeSpireEntriesAsync(new SpireEntryChange(false, 2, null), CancellationToken.None));
        await Assert.ThrowsAsync<ClusterException>(() => _cluster.ChangeSpireEntriesAsync(new SpireEntryChange(false, null, null), CancellationToken.None));
    }

    [Fact]
    public async Task A_revoked_pod_flooding_the_port_cannot_keep_the_agent_handshaking()
    {
        var tiefighter = Pod(_cluster, "tiefighter");
        var remote = Deathstars(_cluster).Single(d => d.Node.Index != tiefighter.Node.Index);
        await _cluster.ChangeSpireEntriesAsync(new SpireEntryChange(false, null, ["k8s:class=tiefighter"]), CancellationToken.None);
        var agent = _cluster.MutualAuth!;
        var failuresBefore = agent.Failures;
        var dropsBefore = await CountAuthDropsAsync(_cluster, "tiefighter");

        // Two seconds of fresh connections, 16 at a time, each SYN dropped with AUTH_REQUIRED and signalled.
        var until = DateTime.UtcNow.AddSeconds(2);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (DateTime.UtcNow < until)
            {
                using var socket = await NetnsThread.RunAsync(LabNames.NetnsPath(tiefighter.Netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(remote.Ip, 80), attempt.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }));

        var drops = await CountAuthDropsAsync(_cluster, "tiefighter") - dropsBefore;
        var handshakes = agent.Failures - failuresBefore;
        Assert.True(drops >= 50, $"the flood's SYNs dropped with AUTH_REQUIRED ({drops})");
        Assert.InRange(handshakes, 1, 4); // one try, then at most one per RetryBackoff (1 s) over two seconds
        Assert.Empty(await _cluster.GetAuthEntriesAsync(CancellationToken.None) ?? []);
    }

    [Fact]
    public async Task Certificates_from_another_labs_CA_are_refused_both_ways_and_write_nothing()
    {
        var agent = _cluster.MutualAuth!;
        var tiefighter = Pod(_cluster, "tiefighter");
        var deathstar = Deathstars(_cluster).Single(d => d.Node.Index != tiefighter.Node.Index);
        var deathstarId = await IdentityAsync(_cluster, deathstar);
        var tiefighterId = await IdentityAsync(_cluster, tiefighter);
        using var foreign = new LabCertificateAuthority("elsewhere", TimeSpan.FromHours(1));
        var listener = agent.Listeners[tiefighter.Node.Index];
        var refusedBefore = listener.Refused;
        var node = _cluster.Nodes[deathstar.Node.Index];

        // A client with the other lab's certificate for the deathstar identity, from the deathstar's node.
        var asClient = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await MutualTls.ClientAsync(await ConnectAsync(node, listener.Endpoint), foreign, deathstarId, tiefighterId, CancellationToken.None));
        Assert.Contains("does not chain to this lab's CA", asClient.Message, StringComparison.Ordinal);
        Assert.True(await WaitAsync(() => listener.Refused > refusedBefore), "the lab's listener refused the foreign client too");
        Assert.DoesNotContain(SpireEntryModel.SpiffeIdOf(deathstarId), listener.ObservedClients);

        // A server with the other lab's certificates: the lab's client refuses it.
        await using var impostor = await AuthListener.StartAsync(LabNames.NetnsPath(_cluster.Nodes[tiefighter.Node.Index].Netns),
            MutualAuthAgent.AddressOf(_cluster.Nodes[tiefighter.Node.Index]), foreign, "impostor", port: 4251);
        var asServer = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await MutualTls.ClientAsync(await ConnectAsync(node, impostor.Endpoint), agent.Authority, deathstarId, tiefighterId, CancellationToken.None));
        Assert.Contains("does not chain to this lab's CA", asServer.Message, StringComparison.Ordinal);
        Assert.Empty(await _cluster.GetAuthEntriesAsync(CancellationToken.None) ?? []);

        // The right CA but the wrong identity behind the name: the client asked for the tiefighter and gets refused otherwise.
        var wrong = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await MutualTls.ClientAsync(await ConnectAsync(node, listener.Endpoint), agent.Authority, deathstarId, 2, CancellationToken.None));
        Assert.Contains("refused", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_entry_drops_again_and_the_pair_authenticates_anew()
    {
        var options = NetnsTestLabs.Options();
        options.MutualAuthCertificateLifetime = TimeSpan.FromSeconds(3);
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("mx", Nodes: 1), null, CancellationToken.None);
        try
        {
            await StartStarWarsAsync(cluster);
            var deathstar = Deathstars(cluster)[0];
            Assert.Equal("Ship landed\n", (await LandAsync(cluster, "tiefighter", deathstar.Ip, connectTimeout: 8)).Stdout);
            var first = Assert.Single(await cluster.GetAuthEntriesAsync(CancellationToken.None) ?? []);
            var dropsFirst = await CountAuthDropsAsync(cluster, "tiefighter");
            Assert.True(dropsFirst >= 1, "the first SYN dropped");

            // Past the three-second certificate, the entry is still there but expired: the datapath drops again.
            Assert.True(await WaitAsync(() => first.Expiration.AddSeconds(1) < DateTimeOffset.UtcNow, seconds: 15));
            Assert.Equal("Ship landed\n", (await LandAsync(cluster, "tiefighter", deathstar.Ip, connectTimeout: 8)).Stdout);
            Assert.True(await CountAuthDropsAsync(cluster, "tiefighter") > dropsFirst, "the expired entry made the SYN drop again");
            var renewed = Assert.Single(await cluster.GetAuthEntriesAsync(CancellationToken.None) ?? []);
            Assert.True(renewed.Expiration > first.Expiration);
            Assert.True(cluster.MutualAuth!.Handshakes >= 2);
        }
        finally
        {
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            NetnsTestLabs.DeleteRoots(options);
        }
    }

    private static async Task<Stream> ConnectAsync(LabNode from, IPEndPoint to)
    {
        var socket = await NetnsThread.RunAsync(LabNames.NetnsPath(from.Netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        await socket.ConnectAsync(to);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, int seconds = 5)
    {
        for (var i = 0; i < seconds * 10 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        return condition();
    }

    private static PodRuntime Pod(NetnsCluster cluster, string name) => cluster.FindPod("default", name)!;

    private static List<PodRuntime> Deathstars(NetnsCluster cluster) =>
        cluster.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).OrderBy(p => p.Node.Index).ToList();

    private static async Task<uint> IdentityAsync(NetnsCluster cluster, PodRuntime pod) =>
        (await cluster.GetEndpointsAsync(CancellationToken.None)).Single(e => e.IPv4 == pod.Ip.ToString()).Identity;

    private static Task<NetnsTestLabs.ExecOutput> LandAsync(NetnsCluster cluster, string ship, IPAddress deathstar, int connectTimeout) => NetnsTestLabs.ExecAsync(
        cluster, ship, "curl", "-s", "--connect-timeout", connectTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture), "-XPOST", $"http://{deathstar}/v1/request-landing");

    private static async Task<int> CountAuthDropsAsync(NetnsCluster cluster, string pod)
    {
        await Task.Delay(200); // the flow pump batches events for a few milliseconds
        var drops = await cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("from-pod", pod).Add("verdict", "DROPPED").Build(), All: true), CancellationToken.None);
        return drops.Count(r => r.Flow.DropReasonDesc == DropReason.AUTH_REQUIRED && r.Flow.EventType?.Type == 1);
    }
}
