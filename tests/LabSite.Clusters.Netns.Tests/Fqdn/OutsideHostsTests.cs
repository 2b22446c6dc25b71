using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Outside;

namespace LabSite.Clusters.Netns.Tests.Fqdn;

/// <summary>The outside world's declaration: addresses per lab slot, TTLs, and bad lines named by file and line.</summary>
public class OutsideHostsTests
{
    [Fact]
    public void Hosts_get_addresses_in_their_labs_slice_of_198_18_0_0_15()
    {
        var hosts = OutsideHosts.Parse("# comment\nAPI.example.com. ttl=600\n\nimg.cdn.example.net # trailing comment\n", "lab", 300);
        Assert.Equal(("api.example.com", "198.19.44.10", 600u), (hosts[0].Name, hosts[0].Address.ToString(), hosts[0].Ttl));
        Assert.Equal(("img.cdn.example.net", "198.19.44.11", OutsideHosts.DefaultTtl), (hosts[1].Name, hosts[1].Address.ToString(), hosts[1].Ttl));
    }

    [Theory]
    [InlineData("localhost", "lab:1: \"localhost\" is not a host name with a domain")]
    [InlineData("a..b.com", "lab:1: \"a..b.com\" is not a host name with a domain")]
    [InlineData("*.example.com", "lab:1: \"*.example.com\" is not a host name with a domain")]
    [InlineData("web.default.svc.cluster.local", "lab:1: \"web.default.svc.cluster.local\" is inside the cluster domain")]
    [InlineData("a.com ttl=-1", "lab:1: expected ttl=SECONDS (0 to 86400), got \"ttl=-1\"")]
    [InlineData("a.com ttl=999999999999", "lab:1: expected ttl=SECONDS")]
    [InlineData("a.com ttl=5 extra", "lab:1: expected \"NAME [ttl=SECONDS]\"")]
    [InlineData("a.com\nA.COM", "lab:2: \"a.com\" is declared twice")]
    public void Bad_lines_are_refused_with_file_and_line(string text, string error)
    {
        var e = Assert.Throws<ClusterException>(() => OutsideHosts.Parse(text, "lab", 0));
        Assert.StartsWith(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_32_hosts()
    {
        var text = string.Join('\n', Enumerable.Range(0, OutsideHosts.MaxHosts + 1).Select(i => $"h{i}.example.com"));
        Assert.Contains("at most 32 outside hosts", Assert.Throws<ClusterException>(() => OutsideHosts.Parse(text, "lab", 0)).Message, StringComparison.Ordinal);
    }
}
