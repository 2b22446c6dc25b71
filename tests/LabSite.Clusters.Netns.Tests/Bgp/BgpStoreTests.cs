using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bgp;
using LabSite.Clusters.Netns.Gc;
using LabSite.Clusters.Netns.Router;
using LabSite.Clusters.Netns.Store;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Bgp;

/// <summary>
/// The BGP control plane's store side without the kernel: LB-IPAM assignments, the speaker's desired state from
/// Cilium's objects, the router's read-only command gate, and garbage collection knowing the router's namespace.
/// </summary>
public sealed class BgpStoreTests
{
    private const string Pool = """
        apiVersion: cilium.io/v2
        kind: CiliumLoadBalancerIPPool
        metadata: {name: blue}
        spec:
          blocks: [{cidr: 172.31.0.0/30}]
          serviceSelector: {matchLabels: {color: blue}}
        """;

    private static string LbService(string name, string color, string? requested = null) =>
        "apiVersion: v1\nkind: Service\n"
        + $"metadata: {{name: {name}, labels: {{color: {color}}}}}\n"
        + "spec:\n  type: LoadBalancer\n"
        + (requested is null ? "" : $"  loadBalancerIP: {requested}\n")
        + "  selector: {app: x}\n  ports: [{port: 80}]\n";

    private static string? Ingress(ObjectStore store, string name) =>
        (string?)store.Get(new ObjectQuery("services", "default", Name: name)).Single().Json["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"];

    private static void Apply(ObjectStore store, string yaml)
    {
        var r = store.Apply(Yaml(yaml), ApplyMode.Apply);
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
    }

    [Fact]
    public void LbIpamAssignsFromTheMatchingPoolSkipsNetworkAndBroadcastAndLeavesOthersPending()
    {
        var store = NewStore();
        Apply(store, LbService("first", "blue"));
        Assert.Null(Ingress(store, "first")); // no pool yet: pending

        Apply(store, Pool);
        Assert.Equal("172.31.0.1", Ingress(store, "first"));

        Apply(store, LbService("second", "blue"));
        Apply(store, LbService("third", "blue"));
        Apply(store, LbService("red", "red"));
        Assert.Equal("172.31.0.2", Ingress(store, "second"));
        Assert.Null(Ingress(store, "third")); // a /30 has two usable addresses
        Assert.Null(Ingress(store, "red")); // the pool's selector does not match it

        // Freed addresses go to the waiting Service; assigned ones never move.
        Assert.True(store.Apply(Yaml(LbService("first", "blue")), ApplyMode.Delete).Succeeded);
        Assert.Equal("172.31.0.1", Ingress(store, "third"));
        Assert.Equal("172.31.0.2", Ingress(store, "second"));
    }

    [Fact]
    public void LbIpamHonoursARequestedAddressInsideThePool()
    {
        var store = NewStore();
        Apply(store, Pool);
        Apply(store, LbService("wants-two", "blue", requested: "172.31.0.2"));
        Apply(store, LbService("wants-outside", "blue", requested: "172.31.9.9"));
        Assert.Equal("172.31.0.2", Ingress(store, "wants-two"));
        Assert.Null(Ingress(store, "wants-outside"));
    }

    [Fact]
    public void TheSpeakerAdvertisesWhatTheSelectedAdvertisementsSay()
    {
        var store = NewStore();
        Assert.Null(Desired(store)); // no cluster config: no speaker
        Apply(store, BgpPrivilegedTests.Peering);
        var bare = Desired(store)!;
        Assert.Equal(65001, bare.LocalAsn);
        var peer = Assert.Single(bare.Peers);
        Assert.Equal(new BgpPeerSpec("tor", IPAddress.Parse("172.30.0.1"), 65000, 179, 9, 3, 1, 1), peer);
        Assert.Empty(bare.Prefixes);

        Apply(store, BgpPrivilegedTests.Advertisement);
        Apply(store, BgpPrivilegedTests.PoolAndService);
        Assert.Equal(["10.1.0.0/16", "172.31.0.1/32"], Desired(store)!.Prefixes);

        // A node selector that does not match the lab's node turns the speaker off.
        Apply(store, BgpPrivilegedTests.Peering.Replace("spec:\n  bgpInstances:", "spec:\n  nodeSelector: {matchLabels: {rack: r2}}\n  bgpInstances:", StringComparison.Ordinal));
        Assert.Null(Desired(store));
    }

    [Fact]
    public void APeerWhosePeerConfigIsMissingIsSkipped()
    {
        var store = NewStore();
        Apply(store, BgpPrivilegedTests.Peering.Replace("peerConfigRef: {name: tor}", "peerConfigRef: {name: nowhere}", StringComparison.Ordinal));
        Assert.Empty(Desired(store)!.Peers);
    }

    private static SpeakerConfig? Desired(ObjectStore store) =>
        BgpDesiredState.Compute(store, "node", new Dictionary<string, string> { ["kubernetes.io/hostname"] = "lab" }, "10.1.0.0/16", BgpLink.NodeIp(0));

    [Theory]
    [InlineData("show bgp summary")]
    [InlineData("sh ip route")]
    [InlineData("  show ip bgp neighbors 172.30.0.2 advertised-routes  ")]
    public void RouterAcceptsShowCommands(string command) => Assert.Null(RouterCommands.Check(command));

    [Theory]
    [InlineData("configure terminal", "read-only")]
    [InlineData("clear ip bgp *", "read-only")]
    [InlineData("write memory", "read-only")]
    [InlineData("s ip route", "read-only")]
    [InlineData("show ip route\nconfigure terminal", "one line")]
    [InlineData("", "give a command")]
    public void RouterRefusesEverythingElse(string command, string reason) =>
        Assert.Contains(reason, RouterCommands.Check(command), StringComparison.Ordinal);

    [Fact]
    public void RouterRefusesOverlongCommands() =>
        Assert.Contains("longer than", RouterCommands.Check("show " + new string('x', 300)), StringComparison.Ordinal);

    [Theory]
    [InlineData("ls-lab1-rtr", "lab1")]
    [InlineData("ls-my-lab-rtr", "my-lab")]
    public void GarbageCollectionKnowsTheRouterNamespace(string netns, string lab) =>
        Assert.Equal(lab, LabCleanup.NetnsPattern("ls").Match(netns).Groups[1].Value);

    [Fact]
    public void GobgpConfigHasThePeersAndTimers()
    {
        var toml = GobgpSpeaker.Toml(new SpeakerConfig("i", 65001, IPAddress.Parse("172.30.0.2"),
            [new BgpPeerSpec("tor", IPAddress.Parse("172.30.0.1"), 65000, 179, 9, 3, 1, 2)], []));
        Assert.Contains("as = 65001", toml, StringComparison.Ordinal);
        Assert.Contains("port = -1", toml, StringComparison.Ordinal);
        Assert.Contains("neighbor-address = \"172.30.0.1\"", toml, StringComparison.Ordinal);
        Assert.Contains("hold-time = 9", toml, StringComparison.Ordinal);
        Assert.Contains("multihop-ttl = 2", toml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://172.31.0.1/")]
    [InlineData("http://172.31.0.1:8080/v1/healthz?x=1")]
    public void RouterCurlAcceptsHttpToAnAddress(string url) => Assert.Null(RouterCommands.CheckUrl(url));

    [Theory]
    [InlineData("file:///etc/shadow", "not an http://")]
    [InlineData("https://172.31.0.1/", "not an http://")]
    [InlineData("http://example.com/", "IPv4 address")]
    [InlineData("http://user:pw@172.31.0.1/", "IPv4 address")]
    [InlineData("-o/etc/passwd", "not an http://")]
    [InlineData("http://172.31.0.1/ -o /tmp/x", "printable ASCII")]
    [InlineData("", "give one http:// URL")]
    public void RouterCurlRefusesOtherUrls(string url, string reason) =>
        Assert.Contains(reason, RouterCommands.CheckUrl(url), StringComparison.Ordinal);
}
