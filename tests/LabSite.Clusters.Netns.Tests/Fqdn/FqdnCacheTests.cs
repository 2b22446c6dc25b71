using System.Net;
using LabSite.Clusters.Netns.Fqdn;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Fqdn;

public class FqdnCacheTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress s_api = IPAddress.Parse("203.0.113.10");
    private static readonly IPAddress s_data = IPAddress.Parse("198.51.100.20");

    private static FqdnSelector N(string n) => FqdnSelector.Name(n, out _)!;

    [Fact]
    public void LearnedIpsAreSelectedForTheirEndpointUntilTheTtlRunsOut()
    {
        var clock = new ManualClock(s_start);
        var cache = new FqdnCache(clock);
        Assert.True(cache.Record(42, "API.empire.example", [s_api], ttl: 30));

        Assert.Equal([s_api], cache.Selected(42, N("api.empire.example")));
        Assert.Empty(cache.Selected(43, N("api.empire.example"))); // another endpoint learned nothing
        Assert.Empty(cache.Selected(42, N("data.rebels.example")));

        clock.Now = s_start.AddSeconds(29);
        Assert.Empty(cache.Expire());
        clock.Now = s_start.AddSeconds(30);
        Assert.Empty(cache.Selected(42, N("api.empire.example")));
        var gone = Assert.Single(cache.Expire());
        Assert.Equal(("api.empire.example.", (ushort)42), (gone.Fqdn, gone.EndpointId));
        Assert.Empty(cache.List());
    }

    [Fact]
    public void MinTtlRaisesShortAnswers()
    {
        var clock = new ManualClock(s_start);
        var cache = new FqdnCache(clock, minTtl: 60);
        cache.Record(1, "api.empire.example", [s_api], ttl: 5);
        var row = Assert.Single(cache.List());
        Assert.Equal((60u, s_start.AddSeconds(60)), (row.Ttl, row.ExpirationTime));
    }

    [Fact]
    public void ANewerAnswerReplacesTheIpsAndRenewsTheTtl()
    {
        var clock = new ManualClock(s_start);
        var cache = new FqdnCache(clock);
        cache.Record(1, "api.empire.example", [s_api], ttl: 30);
        clock.Now = s_start.AddSeconds(20);
        Assert.False(cache.Record(1, "api.empire.example", [s_api], ttl: 30));
        clock.Now = s_start.AddSeconds(40);
        Assert.Equal([s_api], cache.Selected(1, N("api.empire.example")));
        Assert.True(cache.Record(1, "api.empire.example", [s_data], ttl: 30));
        Assert.Equal([s_data], cache.Selected(1, N("api.empire.example")));
    }

    [Fact]
    public void IpsPerNameAreBounded()
    {
        var cache = new FqdnCache(new ManualClock(s_start), maxIpsPerName: 2);
        cache.Record(1, "many.example", Enumerable.Range(1, 10).Select(i => IPAddress.Parse($"203.0.113.{i}")), 30);
        Assert.Equal(2, Assert.Single(cache.List()).Ips.Count);
    }

    [Fact]
    public void ForgettingAnEndpointDropsItsLookups()
    {
        var cache = new FqdnCache(new ManualClock(s_start));
        cache.Record(1, "a.example", [s_api], 30);
        cache.Record(2, "a.example", [s_api], 30);
        cache.ForgetEndpoint(1);
        Assert.Equal([(ushort)2], cache.List().Select(l => l.EndpointId));
    }
}
