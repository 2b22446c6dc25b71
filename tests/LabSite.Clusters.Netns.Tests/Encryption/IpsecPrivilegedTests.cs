using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Encryption;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Encryption;

/// <summary>
/// IPsec between the two nodes of a real netns lab: the Secret turns it on, HTTP across nodes keeps working while the
/// tunnel carries ESP between the nodes' addresses, inside VXLAN on the underlay, as Cilium's tunnel mode (seen by the
/// real tcpdump through the node capture), the nodes report to-crypto/from-crypto trace flows, a rotation keeps traffic
/// flowing with both keys accepted, a bad key changes nothing, and removing the Secret or destroying the lab leaves no
/// state or device.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class IpsecPrivilegedTests : IAsyncLifetime
{
    private const string Key3 = "3+ rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567 128";
    private const string Key4 = "4+ rfc4106(gcm(aes)) fedcba9876543210fedcba9876543210fedcba98 128";
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("ips", Nodes: 2), null, CancellationToken.None);
        var pods = """
            apiVersion: v1
            kind: Pod
            metadata: {name: client}
            spec:
              nodeName: ips
              containers: [{name: c, image: nicolaka/netshoot:v0.13, command: [sleep, infinity]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: server}
            spec:
              nodeName: ips-worker
              containers: [{name: web, image: nginx:1.27}]
            """;
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(pods), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task Without_the_secret_the_underlay_carries_plain_vxlan_and_status_says_disabled()
    {
        var status = await StatusAsync();
        Assert.All(status, s => Assert.Equal("Disabled", s.Mode));
        var capture = await CaptureAsync("-n", "-c", "8", "-A", "udp", "port", "8472");
        Assert.Contains("GET / HTTP/1.1", capture.Output);
        Assert.DoesNotContain("ESP(", capture.Output);
    }

    [Fact]
    public async Task The_secret_turns_on_esp_and_pods_still_talk_across_nodes()
    {
        await SetKeyAsync(Key3);
        Assert.Null(_cluster.Ipsec!.LastError);
        Assert.Equal(0, (await CurlAsync()).ExitCode);

        // Cilium's order: the pod packet is encrypted between the nodes' own addresses, then the ESP packet enters the tunnel.
        var capture = await CaptureAsync("-i", "cilium_vxlan", "-n", "-c", "4", "-A", "esp");
        Assert.Equal(0, capture.WhileExitCode);
        Assert.Contains("ESP(spi=0x00000003", capture.Output);
        Assert.Contains($"IP {_cluster.Nodes[0].NodeIp} > {_cluster.Nodes[1].NodeIp}: ESP(spi=0x00000003", capture.Output);
        Assert.DoesNotContain("HTTP/1.1", capture.Output);
        // On the underlay the same ESP travels inside VXLAN (tcpdump decodes port 8472 as OTV), and nothing in the clear.
        var underlay = await CaptureAsync("-n", "-c", "4", "-A", "udp", "port", "8472");
        Assert.Contains("ESP(spi=0x00000003", underlay.Output);
        Assert.DoesNotContain("HTTP/1.1", underlay.Output);
        Assert.DoesNotContain("HTTP/1.1", (await CaptureAsync("-i", "cilium_vxlan", "-n", "-c", "4", "-A", "not", "esp")).Output);

        var status = await StatusAsync();
        Assert.All(status, s =>
        {
            Assert.Equal("IPsec", s.Mode);
            Assert.Equal(1, s.KeysInUse);
            Assert.Equal(["eth0"], s.DecryptInterfaces);
            Assert.Equal(0, s.ErrorCount);
            Assert.NotEqual("0x0/0xffffffff", s.MaxSeqNumber);
        });
        Assert.StartsWith("Encryption: IPsec", status[0].ToText());
        Assert.Contains("Max Seq. Number: 0x", status[0].ToText());
        var inbound = status[1].States!.Single(x => x.Direction == "in");
        Assert.True(inbound.Packets > 0);
        Assert.Equal(3u, inbound.Spi);
    }

    [Fact]
    public async Task Rotation_to_a_higher_spi_keeps_traffic_flowing_and_accepts_both_keys_until_retired()
    {
        await SetKeyAsync(Key3);
        Assert.Equal(0, (await CurlAsync()).ExitCode);
        var before = (await StatusAsync())[0].States!.Single(s => s.Direction == "out").Sequence;

        await SetKeyAsync(Key4);
        Assert.Equal(0, (await CurlAsync()).ExitCode);
        var rotating = await StatusAsync();
        Assert.All(rotating, s => Assert.Equal(2, s.KeysInUse));
        Assert.All(rotating, s => Assert.Equal([3u, 4u], s.States!.Where(x => x.Direction == "in").Select(x => x.Spi).Order()));
        Assert.All(rotating, s => Assert.Equal(4u, s.States!.Single(x => x.Direction == "out").Spi));
        // The old key's counters are not lost: its highest sequence number is still the status's maximum.
        Assert.True(before > 0);
        Assert.Contains("ESP(spi=0x00000004", (await CaptureAsync("-i", "cilium_vxlan", "-n", "-c", "2", "esp")).Output);

        await _cluster.Ipsec!.RetireAsync(4);
        var after = await StatusAsync();
        Assert.All(after, s => Assert.Equal(1, s.KeysInUse));
        Assert.All(after, s => Assert.Equal([4u], s.States!.Where(x => x.Direction == "in").Select(x => x.Spi)));
        Assert.Equal(0, (await CurlAsync()).ExitCode);
        Assert.All(after, s => Assert.Equal(0, s.ErrorCount));
    }

    [Fact]
    public async Task With_ipsec_on_the_nodes_report_to_crypto_and_from_crypto_trace_flows()
    {
        await SetKeyAsync(Key3);
        Assert.Equal(0, (await CurlAsync()).ExitCode);
        var client = _cluster.FindPod("default", "client")!;
        var server = _cluster.FindPod("default", "server")!;

        // The client's node hands the SYN to encryption; the server's node decrypted it.
        var toCrypto = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "default/client").Add("to-ip", ServerIp).Add("type", "trace:to-crypto").Build());
        var syn = toCrypto.First(r => r.Flow.L4?.TCP?.Flags?.SYN == true).Flow;
        Assert.Equal(client.Node.HubbleName, syn.NodeName);
        Assert.Equal(TraceObservationPoint.TO_CRYPTO, syn.TraceObservationPoint);
        Assert.Equal(Verdict.FORWARDED, syn.Verdict);
        Assert.Equal(TrafficDirection.EGRESS, syn.TrafficDirection);
        Assert.Equal(new CiliumEventType(MonitorEventType.Trace, 13), syn.EventType);
        // Identities from the cluster-wide ipcache: both pods' own (256 and up), not the nodes' reserved ones.
        Assert.Equal(("client", "server"), (syn.Source!.PodName, syn.Destination!.PodName));
        Assert.True(syn.Source.Identity >= 256 && syn.Destination.Identity >= 256, $"{syn.Source.Identity} {syn.Destination.Identity}");
        Assert.Contains("to-crypto FORWARDED (TCP Flags: SYN)", FlowPrinter.Compact(toCrypto.First(r => r.Flow == syn)));

        var fromCrypto = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "default/client").Add("to-ip", ServerIp).Add("type", "trace:from-crypto").Build());
        Assert.All(fromCrypto, r => Assert.Equal(server.Node.HubbleName, r.Flow.NodeName));
        Assert.Contains(fromCrypto, r => r.Flow.L4?.TCP?.Flags?.SYN == true && r.Flow.TrafficDirection == TrafficDirection.INGRESS);
        // The answer crosses the other way: encrypted on the server's node, decrypted on the client's.
        var back = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-ip", ServerIp).Add("to-pod", "default/client").Add("type", "trace:from-crypto").Build());
        Assert.All(back, r => Assert.Equal(client.Node.HubbleName, r.Flow.NodeName));
        // Aggregated as the overlay points: connection starts and ends, no bare ACKs.
        Assert.All(toCrypto, r => Assert.True(r.Flow.L4?.TCP?.Flags is { } f && (f.SYN || f.FIN || f.RST), FlowPrinter.Compact(r)));
    }

    [Fact]
    public async Task An_L7_rule_across_the_nodes_is_enforced_through_esp()
    {
        // The server's node proxies the request, so HTTP crosses ESP twice: to the proxy's node and from the proxy to the pod.
        var policy = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: server-get-only}
            spec:
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports: [{port: "80", protocol: TCP}]
                  rules:
                    http: [{method: GET, path: "/"}]
            """;
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(policy), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var plain = await NetnsTestLabs.ExecAsync(_cluster, "client", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", $"http://{ServerIp}/");
        Assert.Equal("200", plain.Stdout);
        await SetKeyAsync(Key3);
        var get = await NetnsTestLabs.ExecAsync(_cluster, "client", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", $"http://{ServerIp}/");
        Assert.Equal("200", get.Stdout);
        var post = await NetnsTestLabs.ExecAsync(_cluster, "client", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-XPOST", $"http://{ServerIp}/");
        Assert.Equal("403", post.Stdout);
        var status = await StatusAsync();
        Assert.All(status, s => Assert.Equal(0, s.ErrorCount));
        Assert.All(status, s => Assert.True(s.States!.Single(x => x.Direction == "in").Packets > 0, s.Node));
    }

    [Fact]
    public async Task A_worker_pod_reaches_a_service_on_the_other_node_by_name_through_esp()
    {
        var pods = """
            apiVersion: v1
            kind: Pod
            metadata: {name: far, labels: {app: far}}
            spec:
              nodeName: ips-worker
              containers: [{name: c, image: nicolaka/netshoot:v0.13, command: [sleep, infinity]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web0, labels: {app: web0}}
            spec:
              nodeName: ips
              containers: [{name: web, image: nginx:1.27}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web0}
            spec:
              selector: {app: web0}
              ports: [{port: 80}]
            """;
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(pods), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        await SetKeyAsync(Key3);
        var curl = await NetnsTestLabs.ExecAsync(_cluster, "far", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "http://web0.default.svc.cluster.local/");
        Assert.True(curl.Stdout == "200", $"{curl.ExitCode} {curl.Stdout} {curl.Stderr}");
        var fromCrypto = await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "default/far").Add("to-pod", "default/web0").Add("type", "trace:from-crypto").Build());
        Assert.All(fromCrypto, r => Assert.Equal(_cluster.Nodes[0].HubbleName, r.Flow.NodeName));
        Assert.All(await StatusAsync(), s => Assert.Equal(0, s.ErrorCount));
    }

    [Fact]
    public async Task Without_ipsec_there_are_no_crypto_flows_only_overlay_ones()
    {
        Assert.Equal(0, (await CurlAsync()).ExitCode);
        // The overlay flows prove the ring has caught up with this request before the absence is asserted.
        await _cluster.RequireFlowsAsync(new FlowFilterBuilder().Add("from-pod", "default/client").Add("to-ip", ServerIp).Add("type", "trace:from-overlay").Build());
        foreach (var point in new[] { "trace:to-crypto", "trace:from-crypto" })
        {
            var flows = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("type", point).Build(), All: true), CancellationToken.None);
            Assert.Empty(flows);
        }
    }

    [Theory]
    [InlineData("3 cbc(aes) 0123456789abcdef0123456789abcdef 128", "algorithm \"cbc(aes)\" is not supported")]
    [InlineData("16 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567 128", "SPI \"16\" must be a number from 1 to 15")]
    [InlineData("5 rfc4106(gcm(aes)) 0123 128", "key is 2 bytes")]
    [InlineData("5 rfc4106(gcm(aes)) zz23456789abcdef0123456789abcdef01234567 128", "is not hexadecimal")]
    [InlineData("5 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567 12", "ICV length \"12\"")]
    [InlineData("3 rfc4106(gcm(aes)) fedcba9876543210fedcba9876543210fedcba98 128", "SPI 3 is in use with another key")]
    public async Task A_bad_key_is_refused_with_its_field_and_the_previous_key_stays_in_use(string keys, string error)
    {
        await SetKeyAsync(Key3);
        await SetKeyAsync(keys);
        var status = await StatusAsync();
        Assert.All(status, s =>
        {
            Assert.Equal("IPsec", s.Mode);
            Assert.StartsWith(IpsecKey.FieldPath, s.Message);
            Assert.Contains(error, s.Message);
            Assert.Equal([3u], s.States!.Select(x => x.Spi).Distinct());
        });
        Assert.StartsWith("Msg: Secret kube-system/cilium-ipsec-keys: data.keys", status[0].ToText());
        Assert.Equal(0, (await CurlAsync()).ExitCode);
    }

    [Fact]
    public async Task Removing_the_secret_removes_every_state_rule_and_device()
    {
        await SetKeyAsync(Key3);
        Assert.True(await HasEspDeviceAsync(_cluster.Nodes[1]));
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(Secret(Key3)), ApplyMode.Delete, CancellationToken.None)).Succeeded);
        await _cluster.Ipsec!.ReconcileAsync(CancellationToken.None);

        Assert.All(await StatusAsync(), s => Assert.Equal("Disabled", s.Mode));
        foreach (var node in _cluster.Nodes)
        {
            Assert.False(await HasEspDeviceAsync(node));
            var rules = await CommandRunner.RunCheckedAsync("rules", "ip", ["-n", node.Netns, "rule", "show"], null, CancellationToken.None);
            Assert.DoesNotMatch($@"lookup {EspNode.RouteTable}\b", rules);
            Assert.DoesNotMatch($@"lookup {EspNode.EspRouteTable}\b", rules);
            Assert.Empty((await CommandRunner.RunCheckedAsync("routes", "ip", ["-n", node.Netns, "route", "show", "table", EspNode.EspRouteTable.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, CancellationToken.None)).Trim());
        }
        Assert.Equal(0, (await CurlAsync()).ExitCode);
        Assert.Contains("HTTP/1.1", (await CaptureAsync("-n", "-c", "8", "-A", "udp", "port", "8472")).Output);
    }

    [Fact]
    public async Task Destroying_the_lab_leaves_no_namespace_and_so_no_esp_state()
    {
        var lab = await _backend.CreateAsync(new ClusterRequest("ips2", Nodes: 2), null, CancellationToken.None);
        var owned = lab.OwnedNamespaces;
        try
        {
            Assert.True((await lab.ApplyAsync(StoreFixture.Yaml(Secret(Key3)), ApplyMode.Apply, CancellationToken.None)).Succeeded);
            await lab.Ipsec!.ReconcileAsync(CancellationToken.None);
            Assert.All(await lab.GetEncryptionStatusAsync(CancellationToken.None) ?? [], s => Assert.Equal("IPsec", s.Mode));
        }
        finally
        {
            await _backend.DestroyAsync(lab.Name, CancellationToken.None);
        }
        Assert.All(owned, n => Assert.False(File.Exists(LabNames.NetnsPath(n)), $"{n} left behind"));
    }

    private async Task SetKeyAsync(string keys)
    {
        var applied = await _cluster.ApplyAsync(StoreFixture.Yaml(Secret(keys)), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        await _cluster.Ipsec!.ReconcileAsync(CancellationToken.None);
    }

    private static string Secret(string keys) => $"""
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: cilium-ipsec-keys, namespace: kube-system{"}"}
        stringData:
          keys: "{keys}"
        """;

    private async Task<IReadOnlyList<EncryptionStatusModel>> StatusAsync() =>
        await _cluster.GetEncryptionStatusAsync(CancellationToken.None) ?? throw new InvalidOperationException("no status");

    private string ServerIp => _cluster.FindPod("default", "server")!.Ip.ToString();

    private Task<NetnsTestLabs.ExecOutput> CurlAsync() =>
        NetnsTestLabs.ExecAsync(_cluster, "client", "curl", "-s", "-o", "/dev/null", "--max-time", "3", $"http://{ServerIp}/");

    private async Task<NodeCaptureReply> CaptureAsync(params string[] args)
    {
        var reply = await _cluster.CaptureOnNodeAsync(new NodeCaptureRequest("ips-worker", args,
            new ExecRequest("default", "client", ["curl", "-s", "-o", "/dev/null", "--max-time", "3", $"http://{ServerIp}/"])), CancellationToken.None);
        Assert.NotNull(reply);
        Assert.True(reply.ExitCode == 0 && (reply.Output.Length > 0 || args.Contains("not")), $"{reply.ExitCode}: {reply.Errors} (while: {reply.WhileExitCode} {reply.WhileOutput})");
        return reply;
    }

    private static async Task<bool> HasEspDeviceAsync(LabNode node) =>
        (await CommandRunner.RunAsync("ip", ["-n", node.Netns, "link", "show", EspNode.DeviceName], null, CancellationToken.None)).ExitCode == 0;
}
