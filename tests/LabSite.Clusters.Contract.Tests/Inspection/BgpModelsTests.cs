using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Clusters.Contract.Tests.Inspection;

/// <summary>The BGP tables in Cilium's layouts: <c>cilium bgp peers</c>, <c>cilium-dbg bgp peers</c>, <c>cilium bgp routes</c>.</summary>
public sealed class BgpModelsTests
{
    private static readonly BgpPeerModel s_peer = new("labsite/bgp", 65001, 65000, "172.30.0.1", 179, "established", 2006, "ipv4/unicast", 0, 2);

    [Fact]
    public void CiliumCliPeersHaveANodeColumn() => Assert.Equal(
        """
        Node          Local AS   Peer AS   Peer Address   Session State   Uptime   Family         Received   Advertised
        labsite/bgp   65001      65000     172.30.0.1     established     33m26s   ipv4/unicast   0          2
        """.ReplaceLineEndings("\n") + "\n",
        string.Concat(BgpPeerModel.ToCiliumText([s_peer]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd() + "\n")));

    [Fact]
    public void AgentPeersShowThePeerPortAndNoUptimeWhileDown()
    {
        var text = BgpPeerModel.ToAgentText([s_peer with { SessionState = "active", UptimeSeconds = null }]);
        Assert.StartsWith("Local AS   Peer AS   Peer Address     Session   Uptime   Family", text, StringComparison.Ordinal);
        Assert.Contains("172.30.0.1:179   active", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AdvertisedRoutesNameThePeer()
    {
        var text = BgpRouteModel.ToCiliumText([new BgpRouteModel("n1", 65001, "172.30.0.1", "10.1.0.0/16", "172.30.0.2", 64, "[{Origin: ?} {Nexthop: 172.30.0.2}]")], advertised: true, withNode: true);
        var lines = text.Split('\n');
        Assert.Equal(["Node", "VRouter", "Peer", "Prefix", "NextHop", "Age", "Attrs"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("172.30.0.1   10.1.0.0/16   172.30.0.2   1m4s", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(59L, "59s")]
    [InlineData(3600L, "1h0m0s")]
    [InlineData(3723L, "1h2m3s")]
    public void UptimeReadsAsGoDurations(long seconds, string text) => Assert.Equal(text, BgpText.Uptime(seconds));
}
