using System.Text.Json;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bgp;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Bgp;

/// <summary>
/// Real BGP in a netns lab: the node's gobgpd, configured from Cilium's BGP v2 objects, peers with the lab router's
/// FRR; the router's RIB and kernel table get the pod CIDR and the LB-IPAM address of a LoadBalancer Service, the
/// router reaches that address over the learned route, and deleting the advertisement withdraws the routes.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class BgpPrivilegedTests : IAsyncLifetime
{
    internal const string Peering = """
        apiVersion: cilium.io/v2
        kind: CiliumBGPPeerConfig
        metadata: {name: tor}
        spec:
          timers: {holdTimeSeconds: 9, keepAliveTimeSeconds: 3, connectRetryTimeSeconds: 1}
          families:
          - afi: ipv4
            safi: unicast
            advertisements: {matchLabels: {advertise: bgp}}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumBGPClusterConfig
        metadata: {name: lab}
        spec:
          bgpInstances:
          - name: instance-65001
            localASN: 65001
            peers:
            - name: tor
              peerASN: 65000
              peerAddress: 172.30.0.1
              peerConfigRef: {name: tor}
        """;

    internal const string Advertisement = """
        apiVersion: cilium.io/v2
        kind: CiliumBGPAdvertisement
        metadata: {name: lab, labels: {advertise: bgp}}
        spec:
          advertisements:
          - advertisementType: PodCIDR
          - advertisementType: Service
            service: {addresses: [LoadBalancerIP]}
            selector: {matchLabels: {bgp: announce}}
        """;

    internal const string PoolAndService = """
        apiVersion: cilium.io/v2
        kind: CiliumLoadBalancerIPPool
        metadata: {name: lab-pool}
        spec:
          blocks: [{cidr: 172.31.0.0/24}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: deathstar-lb, labels: {bgp: announce}}
        spec:
          type: LoadBalancer
          selector: {org: empire, class: deathstar}
          ports: [{port: 80}]
        """;

    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("bgp"), null, CancellationToken.None);
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task SessionEstablishesRoutesReachTheRouterAndWithdrawWithTheAdvertisement()
    {
        Assert.Null(_cluster.Bgp!.Router); // no BGP object yet: no router
        await ApplyAsync(Peering + "\n---\n" + Advertisement + "\n---\n" + PoolAndService);

        var lb = _cluster.Store.Get(new ObjectQuery("services", "default", Name: "deathstar-lb")).Single();
        Assert.Equal("172.31.0.1", (string?)lb.Json["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);

        await EventuallyAsync("the session is established", async () =>
            (await _cluster.Bgp.ReadAsync(() => _cluster.Bgp.Speaker.PeersAsync(CancellationToken.None), CancellationToken.None))
                .SingleOrDefault() is { SessionState: "established", PeerAsn: 65000, LocalAsn: 65001 });
        var podCidr = _cluster.Addressing.PodCidr;
        await EventuallyAsync("the router learns the pod CIDR and the LB address", async () =>
        {
            var routes = await RouterBgpRoutesAsync();
            return routes.Contains(podCidr) && routes.Contains("172.31.0.1/32");
        });

        // FRR (zebra) installed the routes in the router's kernel: the LB address is reached through the node.
        var route = await CommandRunner.RunCheckedAsync("route", "ip", ["-n", _cluster.Names.RouterNetns, "route", "get", "172.31.0.1"], null, CancellationToken.None);
        Assert.Contains($"via {BgpLink.NodeIp(0)}", route, StringComparison.Ordinal);

        // The node answers on the LB address for the router: deathstar behind it, reached over the BGP route.
        var landing = await _cluster.Bgp.Router!.CurlAsync("http://172.31.0.1/v1/healthz", CancellationToken.None);
        Assert.True(landing.ExitCode == 0, landing.StandardError);
        Assert.Contains("\"status\": \"ok\"", landing.StandardOutput, StringComparison.Ordinal);

        // What the speaker itself holds and sent, as cilium bgp routes reads it.
        var available = await _cluster.Bgp.ReadAsync(() => _cluster.Bgp.Speaker.RoutesAsync(null, CancellationToken.None), CancellationToken.None);
        Assert.Equal(new[] { podCidr, "172.31.0.1/32" }.Order(StringComparer.Ordinal), available.Select(r => r.Prefix).Order(StringComparer.Ordinal));
        var advertised = await _cluster.Bgp.ReadAsync(() => _cluster.Bgp.Speaker.RoutesAsync(BgpLink.RouterIp, CancellationToken.None), CancellationToken.None);
        Assert.Contains(advertised, r => r.Prefix == podCidr && r.NextHop == BgpLink.NodeIp(0).ToString());

        // The inspection the lab shell and the grader read: Cilium's peers table, the router's RIB, read-only vtysh.
        var peers = await _cluster.GetBgpPeersAsync(CancellationToken.None);
        Assert.Contains("established", LabSite.Clusters.Contract.Inspection.BgpPeerModel.ToCiliumText(peers!), StringComparison.Ordinal);
        var router = await _cluster.GetRouterAsync(CancellationToken.None);
        Assert.Contains(router!.Routes, r => r.Prefix == podCidr && r.Protocol == "bgp" && r.Selected && r.NextHop == BgpLink.NodeIp(0).ToString());
        var summary = await _cluster.RunRouterCommandAsync(new("vtysh", "show bgp summary"), CancellationToken.None);
        Assert.Equal(0, summary!.ExitCode);
        Assert.Contains("172.30.0.2", summary.Output, StringComparison.Ordinal);
        var refused = await _cluster.RunRouterCommandAsync(new("vtysh", "configure terminal"), CancellationToken.None);
        Assert.Equal(1, refused!.ExitCode);
        Assert.Contains("read-only", refused.Output, StringComparison.Ordinal);
        var escape = await _cluster.RunRouterCommandAsync(new("curl", "file:///etc/shadow"), CancellationToken.None);
        Assert.Equal(1, escape!.ExitCode);

        // Withdraw: the advertisement goes, so do the routes on the router; the session stays up.
        Assert.True((await _cluster.ApplyAsync(new ManifestText(Advertisement, "advert.yaml"), ApplyMode.Delete, CancellationToken.None)).Succeeded);
        await _cluster.Bgp.ReconcileAsync(CancellationToken.None);
        Assert.Null(_cluster.Bgp.LastError);
        await EventuallyAsync("the router withdraws both routes", async () => (await RouterBgpRoutesAsync()).Count == 0);
        Assert.NotEqual(0, (await _cluster.Bgp.Router.CurlAsync("http://172.31.0.1/v1/healthz", CancellationToken.None)).ExitCode);
        Assert.Equal("established", (await _cluster.Bgp.ReadAsync(() => _cluster.Bgp.Speaker.PeersAsync(CancellationToken.None), CancellationToken.None)).Single().SessionState);
    }

    [Fact]
    public async Task TheRouterIsReapedWithTheLab()
    {
        await ApplyAsync(Peering);
        Assert.NotNull(_cluster.Bgp!.Router);
        Assert.True(File.Exists(LabNames.NetnsPath(_cluster.Names.RouterNetns)));
        var routerDir = _cluster.Bgp.Router!.Directory;
        var bgpdPid = int.Parse(await File.ReadAllTextAsync(Path.Combine(routerDir, "bgpd.pid")), System.Globalization.CultureInfo.InvariantCulture);

        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);

        Assert.False(File.Exists(LabNames.NetnsPath(_cluster.Names.RouterNetns)));
        Assert.False(Directory.Exists($"/proc/{bgpdPid}"), "bgpd outlived its lab");
        Assert.False(Directory.Exists(routerDir));
    }

    private async Task ApplyAsync(string yaml)
    {
        var applied = await _cluster.ApplyAsync(new ManifestText(yaml, "bgp.yaml"), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("\n", applied.Errors));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        await _cluster.Bgp!.ReconcileAsync(CancellationToken.None);
        Assert.Null(_cluster.Bgp.LastError);
    }

    /// <summary>The prefixes of BGP routes in the router's RIB (FRR's own JSON).</summary>
    private async Task<List<string>> RouterBgpRoutesAsync()
    {
        var r = await _cluster.Bgp!.Router!.VtyshAsync("show ip route bgp json", CancellationToken.None);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        return doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
    }

    /// <summary>Polls a condition about the protocol peers (sessions and updates take protocol timers to move), bounded by attempts.</summary>
    internal static async Task EventuallyAsync(string what, Func<Task<bool>> condition)
    {
        for (var i = 0; i < 240; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"never happened: {what}");
    }
}
