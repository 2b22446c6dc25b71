using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Outside;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// DNS-aware policy on a full netns lab with an outside world (outside.hosts): the DNS proxy judges tiefighter's
/// queries once its egress policy has DNS rules, toFQDNs opens exactly the addresses allowed names resolved to, and
/// lookups expire with their TTL. Real packets from the pods (curl, dig, and raw sockets in tiefighter's namespace).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class FqdnPolicyPrivilegedTests : IAsyncLifetime
{
    private const string OutsideHostsFile = """
        # the lab's outside world
        api.example.com   ttl=600
        evil.example.org
        short.example.com ttl=1
        """;

    private const string DefaultDeny = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: tiefighter-egress}
        spec:
          endpointSelector: {matchLabels: {class: tiefighter}}
          egress: [{}]
        """;

    private const string DnsAndFqdns = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: tiefighter-egress}
        spec:
          endpointSelector: {matchLabels: {class: tiefighter}}
          egress:
          - toEntities: [host]
            toPorts:
            - ports: [{port: "53", protocol: ANY}]
              rules:
                dns: [{matchPattern: "DNS_PATTERN"}]
          - toFQDNs: [{matchName: api.example.com}, {matchPattern: "short.example.*"}]
        """;

    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private readonly string _manifests = Directory.CreateTempSubdirectory("labsite-fqdn-").FullName;
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_manifests, OutsideHosts.FileName), OutsideHostsFile);
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("fqdn", ManifestsDirectory: _manifests), null, CancellationToken.None);
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
        Directory.Delete(_manifests, recursive: true);
    }

    private IPAddress Outside(int n) => OutsideHosts.Address(_cluster.Addressing.Slot, n);

    private async Task ApplyAsync(string yaml)
    {
        var applied = await _cluster.ApplyAsync(new ManifestText(yaml, "policy.yaml"), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("\n", applied.Lines));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Null(_cluster.Policy!.LastError);
    }

    /// <summary>curl's exit code and body (0 and the page when the host answered).</summary>
    private async Task<(int Exit, string Body)> Curl(string pod, string target)
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, pod, "curl", "-s", "--connect-timeout", "2", "--max-time", "5", "http://" + target + "/");
        return (r.ExitCode, r.Stdout);
    }

    private async Task<string> Dig(string pod, string name) =>
        (await NetnsTestLabs.ExecAsync(_cluster, pod, "dig", "+tries=1", "+time=2", name, "A")).Stdout;

    private async Task<IReadOnlyList<FqdnCacheEntry>> CacheAsync() => (await _cluster.GetFqdnCacheAsync(CancellationToken.None))!;

    private async Task<ushort> EndpointOf(string pod) =>
        (await _cluster.GetEndpointsAsync(CancellationToken.None)).Single(e => e.PodName == pod).Id;

    [Fact]
    public async Task Default_deny_blocks_dns_then_the_proxy_answers_and_to_fqdns_opens_only_allowed_names()
    {
        // Without policy the outside world answers by name.
        Assert.Equal((0, "hello from api.example.com (GET /)\n"), await Curl("tiefighter", "api.example.com"));

        // Default deny: DNS itself is dropped, and the flows say so.
        await ApplyAsync(DefaultDeny);
        Assert.Contains("timed out", await Dig("tiefighter", "api.example.com"), StringComparison.Ordinal);
        var dnsDrop = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("from-pod", "default/tiefighter").Add("verdict", "DROPPED").Add("port", "53").Build());
        Assert.NotEmpty(dnsDrop);

        await ApplyAsync(DnsAndFqdns.Replace("DNS_PATTERN", "*", StringComparison.Ordinal));
        Assert.Equal((0, "hello from api.example.com (GET /)\n"), await Curl("tiefighter", "api.example.com"));
        // evil.example.org resolves (the DNS rule allows every name) but no toFQDNs selector opens its address.
        var evil = await Curl("tiefighter", "evil.example.org");
        Assert.NotEqual(0, evil.Exit);
        var evilDrop = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("from-pod", "default/tiefighter").Add("to-ip", Outside(1).ToString()).Add("verdict", "DROPPED").Build());
        Assert.NotEmpty(evilDrop);
        // xwing has no policy: its DNS is not proxied and the outside is open to it.
        Assert.Equal(0, (await Curl("xwing", "evil.example.org")).Exit);

        var tiefighter = await EndpointOf("tiefighter");
        var cache = await CacheAsync();
        Assert.All(cache, e => Assert.Equal(tiefighter, e.Endpoint));
        var api = Assert.Single(cache, e => e.Fqdn == "api.example.com.");
        Assert.Equal(("lookup", 600u), (api.Source, api.Ttl));
        Assert.Equal([Outside(0).ToString()], api.Ips);
        Assert.Contains(cache, e => e.Fqdn == "evil.example.org." && e.Ips.SequenceEqual([Outside(1).ToString()]));
        Assert.Contains("api.example.com.", FqdnCacheEntry.ToText(cache), StringComparison.Ordinal);

        // hubble observe --protocol dns: the proxy's query and answer, with the answer's addresses.
        var dns = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("protocol", "dns").Add("from-pod", "default/tiefighter").Build());
        var query = Assert.Single(dns, r => r.Flow.L7!.Type == L7FlowType.REQUEST && r.Flow.L7.Dns!.Query == "api.example.com." && r.Flow.L7.Dns.Qtypes.SequenceEqual(["A"])).Flow;
        Assert.Equal((Verdict.FORWARDED, "tiefighter"), (query.Verdict, query.Source!.PodName));
        var answers = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("protocol", "dns").Add("to-pod", "default/tiefighter").Build());
        Assert.Contains(answers, r => r.Flow.L7!.Type == L7FlowType.RESPONSE && r.Flow.L7.Dns!.Ips.SequenceEqual([Outside(0).ToString()]));

        // The ipcache holds the learned address with a CIDR identity, and the policy map allows it.
        Assert.Contains(await _cluster.GetIpcacheAsync(CancellationToken.None), e => e.Prefix == Outside(0) + "/32");
    }

    [Fact]
    public async Task Names_outside_the_dns_rules_are_refused_and_forged_answers_open_nothing()
    {
        await ApplyAsync(DnsAndFqdns.Replace("DNS_PATTERN", "*.example.com", StringComparison.Ordinal));

        Assert.Contains("status: REFUSED", await Dig("tiefighter", "evil.example.org"), StringComparison.Ordinal);
        Assert.Contains("status: REFUSED", await Dig("tiefighter", "a.b.example.com"), StringComparison.Ordinal);
        Assert.Contains("status: REFUSED", await Dig("tiefighter", "example.com"), StringComparison.Ordinal);
        Assert.Contains("status: NOERROR", await Dig("tiefighter", "api.example.com"), StringComparison.Ordinal);
        var refused = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("protocol", "dns").Add("verdict", "DROPPED").Build());
        Assert.Contains(refused, r => r.Flow.L7!.Dns!.Query == "evil.example.org.");
        Assert.DoesNotContain(await CacheAsync(), e => e.Fqdn == "evil.example.org.");

        // A forged "answer" sent to the proxy (api.example.com → evil's address) and malformed packets: no reply,
        // no cache entry, and evil's address stays closed while the proxy keeps answering.
        var netns = LabNames.NetnsPath(_cluster.FindPod("default", "tiefighter")!.Netns);
        using (var udp = await NetnsThread.RunAsync(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)))
        {
            var dnsServer = new IPEndPoint(_cluster.Addressing.NodeIp, 53);
            byte[] forged =
            [
                0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
                3, (byte)'a', (byte)'p', (byte)'i', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 3, (byte)'c', (byte)'o', (byte)'m', 0, 0, 1, 0, 1,
                0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, .. Outside(1).GetAddressBytes(),
            ];
            await udp.SendToAsync(forged, dnsServer);
            await udp.SendToAsync(new byte[] { 0xC0, 0x0C, 0xC0 }, dnsServer);
            await udp.SendToAsync(Enumerable.Repeat((byte)0xFF, 1400).ToArray(), dnsServer);
        }
        Assert.Contains("status: NOERROR", await Dig("tiefighter", "api.example.com"), StringComparison.Ordinal);
        Assert.DoesNotContain(await CacheAsync(), e => e.Ips.Contains(Outside(1).ToString()));
        Assert.NotEqual(0, (await Curl("tiefighter", Outside(1).ToString())).Exit);
        Assert.Equal(0, (await Curl("tiefighter", Outside(0).ToString())).Exit);
    }

    [Fact]
    public async Task An_expired_lookup_closes_its_address_again()
    {
        await ApplyAsync(DnsAndFqdns.Replace("DNS_PATTERN", "*", StringComparison.Ordinal));
        Assert.Equal(0, (await Curl("tiefighter", "short.example.com")).Exit);
        var shortIp = Outside(2).ToString();

        // TTL 1 s: the expiry timer withdraws the lookup and its address within a few seconds; polled, never timed.
        for (var i = 0; i < 100 && (await _cluster.GetIpcacheAsync(CancellationToken.None)).Any(e => e.Prefix == shortIp + "/32"); i++)
        {
            await Task.Delay(200);
        }
        Assert.DoesNotContain(await CacheAsync(), e => e.Fqdn == "short.example.com.");
        Assert.DoesNotContain(await _cluster.GetIpcacheAsync(CancellationToken.None), e => e.Prefix == shortIp + "/32");
        // By address, without a new lookup: dropped.
        Assert.NotEqual(0, (await Curl("tiefighter", shortIp)).Exit);
        // A new lookup opens it again.
        Assert.Equal(0, (await Curl("tiefighter", "short.example.com")).Exit);
    }
}
