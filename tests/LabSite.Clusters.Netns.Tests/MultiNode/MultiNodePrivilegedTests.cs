using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.MultiNode;

/// <summary>
/// A two-node netns lab against the real kernel: the Star Wars app spread over both nodes by the scheduler, pods
/// reaching each other through cilium_vxlan, the L3/L4 policy deciding the same across nodes, flows with the overlay
/// observation points and each node's name, tunnel endpoints in the ipcache, and a pod that tries the underlay
/// (a forged VXLAN packet) refused.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class MultiNodePrivilegedTests : IAsyncLifetime
{
    /// <summary>A second tiefighter, on the worker node.</summary>
    private const string PinnedTiefighter = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: tiefighter-w
          labels: {org: empire, class: tiefighter}
        spec:
          nodeName: mn-worker
          containers: [{name: spaceship, image: quay.io/cilium/json-mock:v1.3.8}]
        """;

    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("mn", Nodes: 2), null, CancellationToken.None);
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public void Nodes_are_registered_and_pods_spread_over_them()
    {
        var nodes = _cluster.Store.Get(new ObjectQuery("nodes"));
        Assert.Equal(["mn", "mn-worker"], nodes.Select(n => n.Name));
        Assert.Equal([_cluster.Nodes[0].PodCidr, _cluster.Nodes[1].PodCidr], nodes.Select(n => (string?)n.Json["spec"]?["podCIDR"]));
        Assert.NotEqual(_cluster.Nodes[0].PodCidr, _cluster.Nodes[1].PodCidr);

        var pods = _cluster.Pods;
        Assert.Equal(4, pods.Count);
        Assert.Equal(2, pods.Count(p => p.Node.Index == 0));
        Assert.Equal(2, pods.Count(p => p.Node.Index == 1));
        Assert.All(pods, p => Assert.True(IPNetwork.Parse(p.Node.PodCidr).Contains(p.Ip), $"{p.Spec.Name} {p.Ip} outside {p.Node.PodCidr}"));
        // -o wide's NODE is spec.nodeName, which the store's scheduler set to where the runtime put the pod.
        Assert.All(pods, p => Assert.Equal(p.Node.Name, (string?)_cluster.Store.Find(ResourceKinds.Pod, "default", p.Spec.Name)!.Json["spec"]?["nodeName"]));
    }

    [Fact]
    public async Task Policy_decides_the_same_across_nodes_and_flows_show_the_tunnel()
    {
        var deathstars = _cluster.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).ToList();
        Assert.Equal([0, 1], deathstars.Select(p => p.Node.Index).Order());
        foreach (var ship in new[] { "xwing", "tiefighter" })
        {
            foreach (var d in deathstars)
            {
                Assert.Equal("Ship landed\n", (await LandAsync(ship, d.Ip)).Stdout);
            }
        }

        var applied = await _cluster.ApplyAsync(StoreFixture.Data("sw_l3_l4_policy.yaml"), ApplyMode.Create, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        foreach (var d in deathstars)
        {
            Assert.Equal(28, (await LandAsync("xwing", d.Ip)).ExitCode);
            Assert.Equal("Ship landed\n", (await LandAsync("tiefighter", d.Ip)).Stdout);
        }

        var remote = deathstars.Single(d => d.Node.Index != Pod("tiefighter").Node.Index);
        var toOverlay = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "trace:to-overlay").Build());
        Assert.Equal(Pod("tiefighter").Node.HubbleName, toOverlay[0].Flow.NodeName);
        var fromOverlay = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "trace:from-overlay").Build());
        Assert.Equal(remote.Node.HubbleName, fromOverlay[0].Flow.NodeName);
        // The receiving node judged with the sender's identity from the cluster-wide ipcache.
        var delivered = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Add("type", "trace:to-endpoint").Build());
        Assert.Equal(remote.Node.HubbleName, delivered[0].Flow.NodeName);
        var drops = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "xwing").Add("verdict", "DROPPED").Build());
        Assert.Contains(drops, r => r.Flow.DropReasonDesc == DropReason.POLICY_DENIED);

        var ipcache = await _cluster.GetIpcacheAsync(CancellationToken.None);
        var entry = ipcache.Single(e => e.Prefix == $"{remote.Ip}/32");
        Assert.Equal(remote.Node.Underlay!.ToString(), entry.TunnelEndpoint);
        Assert.Contains(ipcache, e => e.Prefix == _cluster.Addressing.UnderlayCidr && e.Flags == "underlay");
    }

    [Fact]
    public async Task The_Star_Wars_L7_rule_is_enforced_from_and_to_both_nodes()
    {
        // A second tiefighter pinned to the worker, so ships on both nodes call deathstars on both nodes.
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(PinnedTiefighter), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        var applied = await _cluster.ApplyAsync(StoreFixture.Data("sw_l3_l4_l7_policy.yaml"), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var deathstars = _cluster.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).ToList();
        Assert.Equal([0, 1], deathstars.Select(p => p.Node.Index).Order());
        var ships = new[] { "tiefighter", "tiefighter-w" };
        Assert.Equal([0, 1], ships.Select(s => Pod(s).Node.Index).Order());

        foreach (var ship in ships)
        {
            foreach (var d in deathstars)
            {
                var where = $"{ship} on {Pod(ship).Node.Name} -> {d.Spec.Name} on {d.Node.Name}";
                var landing = await CurlAsync(ship, "POST", d.Ip, "/v1/request-landing");
                Assert.True(landing.Stdout == "Ship landed\n", $"POST {where}: {landing.ExitCode} {landing.Stdout}{landing.Stderr}");
                var exhaust = await CurlAsync(ship, "PUT", d.Ip, "/v1/exhaust-port");
                Assert.True(exhaust.Stdout == "Access denied\r\n", $"PUT {where}: {exhaust.ExitCode} {exhaust.Stdout}{exhaust.Stderr}");
            }
        }

        // Ingress L7 is judged on the destination's node, as Cilium does: the deathstar's node redirected each
        // connection to its own listener (REDIRECTED verdict there) and reported its HTTP flows under its name.
        foreach (var ship in ships)
        {
            foreach (var d in deathstars)
            {
                var where = $"{ship} on {Pod(ship).Node.Name} -> {d.Spec.Name} on {d.Node.Name}";
                var http = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", ship).Add("to-ip", d.Ip.ToString()).Add("protocol", "http").Build());
                Assert.True(http.All(r => r.Flow.NodeName == d.Node.HubbleName), $"{where}:\n" + string.Join("\n", http.Select(r => r.Flow.NodeName + " " + FlowPrinter.Compact(r).TrimEnd())));
                Assert.Contains(http, r => r.Flow.L7!.Http!.Method == "PUT" && r.Flow.Verdict == Verdict.DROPPED && new Uri(r.Flow.L7.Http.Url).AbsolutePath == "/v1/exhaust-port");
                Assert.Contains(http, r => r.Flow.L7!.Http!.Method == "POST" && r.Flow.Verdict == Verdict.FORWARDED);
                var redirected = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", ship).Add("to-ip", d.Ip.ToString()).Add("type", "policy-verdict").Add("traffic-direction", "ingress").Build());
                Assert.All(redirected, r => Assert.Equal(d.Node.HubbleName, r.Flow.NodeName));
                Assert.Contains(redirected, r => r.Flow.Verdict == Verdict.REDIRECTED);
            }
        }
        var drops = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("verdict", "DROPPED").Build(), All: true), CancellationToken.None);
        Assert.DoesNotContain(drops, r => r.Flow.DropReasonDesc == DropReason.PROXY_LOOKUP_FAILED);
        // Nothing reached a deathstar unjudged: the only L3/L4 drops would be the worker's address, which no rule allows.
        Assert.DoesNotContain(drops, r => r.Flow.DropReasonDesc == DropReason.POLICY_DENIED && r.Flow.Source?.Identity == NumericIdentity.RemoteNode.Value);
    }

    [Fact]
    public async Task An_egress_http_rule_reaches_a_pod_on_another_node_with_the_clients_identity_in_the_vni()
    {
        var egress = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: ships-egress}
            spec:
              endpointSelector: {matchLabels: {class: tiefighter}}
              egress:
              - toEndpoints: [{matchLabels: {org: empire, class: deathstar}}]
                toPorts:
                - ports: [{port: "80", protocol: TCP}]
                  rules:
                    http: [{method: POST, path: /v1/request-landing}]
            """;
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(PinnedTiefighter), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        // The deathstars admit only org=empire: the worker's own address (remote-node) would be dropped.
        foreach (var yaml in new[] { StoreFixture.Data("sw_l3_l4_policy.yaml"), StoreFixture.Yaml(egress) })
        {
            var applied = await _cluster.ApplyAsync(yaml, ApplyMode.Apply, CancellationToken.None);
            Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        }
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var ship = Pod("tiefighter-w");
        var remote = _cluster.Pods.Single(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal) && p.Node.Index != ship.Node.Index);
        var shipId = (await _cluster.GetEndpointsAsync(CancellationToken.None)).Single(e => e.IPv4 == ship.Ip.ToString()).Identity;

        var landing = await CurlAsync("tiefighter-w", "POST", remote.Ip, "/v1/request-landing");
        Assert.True(landing.Stdout == "Ship landed\n", $"POST: {landing.ExitCode} {landing.Stdout}{landing.Stderr}");
        var exhaust = await CurlAsync("tiefighter-w", "PUT", remote.Ip, "/v1/exhaust-port");
        Assert.Equal("Access denied\r\n", exhaust.Stdout);

        // The worker's egress proxy connected from its node, and the tunnel carried the ship's identity: the deathstar's
        // node saw the upstream arrive as the ship, not as the worker.
        var arrived = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("to-ip", remote.Ip.ToString()).Add("type", "trace:from-overlay").Add("from-identity", shipId.ToString(System.Globalization.CultureInfo.InvariantCulture)).Build());
        Assert.Contains(arrived, r => r.Flow.IP!.Source != ship.Ip.ToString());
        Assert.All(arrived, r => Assert.Equal(remote.Node.HubbleName, r.Flow.NodeName));
        var drops = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("to-ip", remote.Ip.ToString()).Add("verdict", "DROPPED").Build(), All: true), CancellationToken.None);
        Assert.DoesNotContain(drops, r => r.Flow.Type == FlowType.L3_L4);
    }

    [Fact]
    public async Task The_gateway_on_the_first_node_reaches_worker_backends_as_the_ingress_identity()
    {
        // The echo backends all on the worker, admitting only the reserved ingress identity; the Gateway listens on node 1.
        var onWorker = Ingress.IngressPrivilegedTests.Backends.Replace("    spec:\n      containers:", "    spec:\n      nodeName: mn-worker\n      containers:", StringComparison.Ordinal);
        Assert.NotEqual(Ingress.IngressPrivilegedTests.Backends, onWorker);
        var ingressOnly = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: echo-from-ingress}\nspec:\n  endpointSelector: {matchLabels: {app: echo}}\n  ingress:\n  - fromEntities: [ingress]\n";
        foreach (var yaml in new[] { onWorker, Ingress.IngressPrivilegedTests.CanaryGateway, ingressOnly })
        {
            var applied = await _cluster.ApplyAsync(new ManifestText(yaml, "gateway.yaml"), ApplyMode.Apply, CancellationToken.None);
            Assert.True(applied.Succeeded, string.Join("\n", applied.Errors));
            await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        }
        await _cluster.IngressRouting!.ReconcileAsync(CancellationToken.None);
        Assert.Null(_cluster.IngressRouting.LastError);
        var echoes = _cluster.Pods.Where(p => p.Spec.Name.StartsWith("echo-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, echoes.Count);
        Assert.All(echoes, p => Assert.Equal(1, p.Node.Index));
        var gateway = (string?)_cluster.Store.Get(new ObjectQuery("gateways", "default", Name: "echo")).Single().Json["status"]?["addresses"]?[0]?["value"];
        var client = _cluster.Pods.First(p => p.Node.Index == 0 && !p.Spec.Name.StartsWith("echo-", StringComparison.Ordinal));

        var answers = await NetnsTestLabs.ExecAsync(_cluster, client.Spec.Name, "curl", "-s", "--max-time", "10", "-w", " %{http_code}\n", $"http://{gateway}/", $"http://{gateway}/");
        var lines = answers.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2 && lines.All(l => l.StartsWith("echo-", StringComparison.Ordinal) && l.EndsWith(" 200", StringComparison.Ordinal)),
            $"{client.Spec.Name} -> gateway {gateway}: {answers.Stdout}{answers.Stderr}");
        // The tunnel carried the ingress identity (8) to the worker, where the backend's policy admitted it.
        var arrived = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("type", "trace:from-overlay").Add("from-identity", NumericIdentity.Ingress.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Build());
        Assert.Contains(arrived, r => echoes.Any(e => e.Ip.ToString() == r.Flow.IP!.Destination));
        var drops = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("verdict", "DROPPED").Build(), All: true), CancellationToken.None);
        Assert.DoesNotContain(drops, r => echoes.Any(e => e.Ip.ToString() == r.Flow.IP?.Destination));
    }

    [Fact]
    public async Task A_worker_pods_DNS_rules_are_judged_by_the_DNS_proxy()
    {
        var onWorker = _cluster.Pods.First(p => p.Node.Index == 1);
        var labels = string.Join(", ", onWorker.Spec.Labels.Select(l => $"{l.Key}: {l.Value}"));
        var policy = $$$"""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: worker-dns}
            spec:
              endpointSelector: {matchLabels: { {{{labels}}} }}
              egress:
              - toEntities: [host]
                toPorts:
                - ports: [{port: "53", protocol: ANY}]
                  rules:
                    dns: [{matchPattern: "*.default.svc.cluster.local"}]
            """;
        var applied = await _cluster.ApplyAsync(StoreFixture.Yaml(policy), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);

        var allowed = await NetnsTestLabs.ExecAsync(_cluster, onWorker.Spec.Name, "dig", "+tries=1", "+time=2", "deathstar.default.svc.cluster.local", "A");
        Assert.True(allowed.Stdout.Contains("status: NOERROR", StringComparison.Ordinal), $"{onWorker.Spec.Name} on {onWorker.Node.Name}: {allowed.Stdout}{allowed.Stderr}");
        var refused = await NetnsTestLabs.ExecAsync(_cluster, onWorker.Spec.Name, "dig", "+tries=1", "+time=2", "kubernetes.default.svc.example", "A");
        Assert.Contains("status: REFUSED", refused.Stdout, StringComparison.Ordinal);

        var queries = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", onWorker.Spec.Name).Add("protocol", "dns").Add("verdict", "DROPPED").Build());
        Assert.Equal("kubernetes.default.svc.example.", queries[0].Flow.L7!.Dns!.Query);
        // Judged for the worker's pod, so reported under the worker's name (Cilium's DNS proxy is the pod's node's).
        var dns = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("pod", onWorker.Spec.Name).Add("protocol", "dns").Build());
        Assert.True(dns.Count >= 3, $"expected the allowed query, its answer and the refused query: {dns.Count}");
        Assert.All(dns, r => Assert.Equal(onWorker.Node.HubbleName, r.Flow.NodeName));
        Assert.NotEqual(_cluster.Nodes[0].HubbleName, onWorker.Node.HubbleName);
        var cache = _cluster.Policy!.FqdnCacheList();
        Assert.Contains(cache, e => e.Fqdn.TrimEnd('.') == "deathstar.default.svc.cluster.local");
    }

    [Fact]
    public async Task A_pod_cannot_reach_the_underlay_to_forge_tunnel_packets()
    {
        var sender = Pod("xwing");
        var victim = _cluster.Pods.First(p => p.Node.Index != sender.Node.Index);
        var impersonated = Pod("tiefighter");
        const int port = 9977;
        using var receiver = await NetnsThread.RunAsync(LabNames.NetnsPath(victim.Netns), () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, port));
            return s;
        });
        // Control: the same inner packet sent normally (from the sender's own address) arrives, across the tunnel.
        using (var direct = await UdpInPodAsync(sender))
        {
            await direct.SendToAsync("genuine"u8.ToArray(), new IPEndPoint(victim.Ip, port));
        }
        Assert.Equal("genuine", await ReceiveAsync(receiver));

        // The forged frame also claims the impersonated pod's identity in the VNI, which the receiving node would trust.
        var identity = (await _cluster.GetEndpointsAsync(CancellationToken.None)).Single(e => e.IPv4 == impersonated.Ip.ToString()).Identity;
        var frame = VxlanFrame(_cluster.Nodes[victim.Node.Index], identity, impersonated.Ip, victim.Ip, port, "forged"u8.ToArray());
        using (var forger = await UdpInPodAsync(sender))
        {
            await forger.SendToAsync(frame, new IPEndPoint(victim.Node.Underlay!, LabOverlay.Port));
        }
        Assert.Null(await ReceiveAsync(receiver));
        var drops = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "xwing").Add("to-ip", victim.Node.Underlay!.ToString()).Add("verdict", "DROPPED").Build());
        Assert.Equal(DropReason.UNKNOWN_L3_TARGET_ADDRESS, drops[0].Flow.DropReasonDesc);
    }

    [Fact]
    public async Task A_destination_without_a_tunnel_endpoint_is_dropped_at_to_overlay_with_the_reason()
    {
        // A route into the tunnel for an address no node owns (only a node's own routing could add one): the ipcache
        // names no tunnel endpoint for it, so to_overlay drops and says why rather than sending a datagram nowhere.
        var node = _cluster.Nodes[0];
        var target = IPAddress.Parse("203.0.113.7");
        await new IpBatch(node.Netns).Add($"route add {target}/32 via {_cluster.Nodes[1].NodeIp} dev {LabOverlay.Device} onlink").RunAsync("test route", CancellationToken.None);
        using var udp = await NetnsThread.RunAsync(LabNames.NetnsPath(node.Netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        await udp.SendToAsync("lost"u8.ToArray(), new IPEndPoint(target, 9));

        var drops = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("to-ip", target.ToString()).Add("verdict", "DROPPED").Build());
        Assert.Equal(DropReason.NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT, drops[0].Flow.DropReasonDesc);
        Assert.Contains("No tunnel/encapsulation endpoint", FlowPrinter.Compact(drops[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_no_node_fits_stays_pending_with_a_failed_scheduling_event()
    {
        var pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: picky}
            spec:
              nodeSelector: {disktype: ssd}
              containers: [{name: c, image: nginx}]
            """;
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(pod), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);

        Assert.Null(_cluster.FindPod("default", "picky"));
        var stored = _cluster.Store.Find(ResourceKinds.Pod, "default", "picky")!;
        Assert.Equal("Pending", (string?)stored.Json["status"]?["phase"]);
        Assert.Null(stored.Json["spec"]?["nodeName"]);
        var events = _cluster.Store.Events.List("default", null);
        Assert.Contains(events, e => (string?)e.Json["reason"] == "FailedScheduling" && (string?)e.Json["involvedObject"]?["name"] == "picky"
            && ((string?)e.Json["message"])!.StartsWith("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.", StringComparison.Ordinal));

        var pinned = "apiVersion: v1\nkind: Pod\nmetadata: {name: pinned}\nspec:\n  nodeName: mn-worker\n  containers: [{name: c, image: nginx}]\n";
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(pinned), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Equal("mn-worker", _cluster.FindPod("default", "pinned")!.Node.Name);
    }

    [Fact]
    public async Task Three_nodes_reach_each_other_and_leave_nothing_behind()
    {
        var three = await _backend.CreateAsync(new ClusterRequest("mn3", Nodes: 3), null, CancellationToken.None);
        var owned = three.OwnedNamespaces;
        try
        {
            Assert.Equal(["mn3", "mn3-worker", "mn3-worker2"], three.Nodes.Select(n => n.Name));
            var pods = string.Concat(Enumerable.Range(0, 3).Select(i =>
                $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  nodeName: {three.Nodes[i].Name}\n  containers: [{{name: c, image: nicolaka/netshoot:v0.13, command: [sleep, infinity]}}]\n---\n"));
            Assert.True((await three.ApplyAsync(StoreFixture.Yaml(pods), ApplyMode.Apply, CancellationToken.None)).Succeeded);
            await three.WaitUntilSettledAsync(CancellationToken.None);
            Assert.Equal([0, 1, 2], three.Pods.Select(p => p.Node.Index));
            // Every node to every other: each tunnel has two peers' FDB entries and routes.
            foreach (var from in three.Pods)
            {
                foreach (var to in three.Pods.Where(p => p != from))
                {
                    var ping = await NetnsTestLabs.ExecAsync(three, from.Spec.Name, "ping", "-c", "1", "-W", "2", to.Ip.ToString());
                    Assert.True(ping.ExitCode == 0, $"{from.Spec.Name} ({from.Node.Name}) -> {to.Spec.Name} ({to.Node.Name}): {ping.Stdout}{ping.Stderr}");
                }
            }
        }
        finally
        {
            await _backend.DestroyAsync(three.Name, CancellationToken.None);
        }
        Assert.Contains(owned, n => n.EndsWith("-underlay", StringComparison.Ordinal));
        Assert.All(owned, n => Assert.False(File.Exists(LabNames.NetnsPath(n)), $"{n} left behind"));
    }

    private PodRuntime Pod(string name) => _cluster.FindPod("default", name)!;

    private Task<NetnsTestLabs.ExecOutput> CurlAsync(string ship, string method, IPAddress deathstar, string path) => NetnsTestLabs.ExecAsync(
        _cluster, ship, "curl", "-s", "--max-time", "5", $"-X{method}", $"http://{deathstar}{path}");

    private Task<NetnsTestLabs.ExecOutput> LandAsync(string ship, IPAddress deathstar) => NetnsTestLabs.ExecAsync(
        _cluster, ship, "curl", "-s", "--connect-timeout", "2", "-XPOST", $"http://{deathstar}/v1/request-landing");

    private static Task<Socket> UdpInPodAsync(PodRuntime pod) => NetnsThread.RunAsync(LabNames.NetnsPath(pod.Netns),
        () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));

    private static async Task<string?> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A VXLAN payload (RFC 7348) carrying Ethernet + IPv4 + UDP from <paramref name="source"/>, for the node's VTEP; the VNI is the claimed identity.</summary>
    private static byte[] VxlanFrame(LabNode node, uint vni, IPAddress source, IPAddress destination, int port, byte[] payload)
    {
        var frame = new byte[8 + 14 + 20 + 8 + payload.Length];
        frame[0] = 0x08; // VNI present
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), vni << 8);
        var eth = frame.AsSpan(8);
        Convert.FromHexString(LabOverlay.Mac(node).Replace(":", "", StringComparison.Ordinal)).CopyTo(eth);
        Convert.FromHexString("026c73000099").CopyTo(eth[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(eth[12..], 0x0800);
        var ip = eth[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + payload.Length));
        ip[8] = 64;
        ip[9] = 17;
        source.GetAddressBytes().CopyTo(ip[12..]);
        destination.GetAddressBytes().CopyTo(ip[16..]);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        }
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~((sum & 0xFFFF) + (sum >> 16)));
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        return frame;
    }
}
