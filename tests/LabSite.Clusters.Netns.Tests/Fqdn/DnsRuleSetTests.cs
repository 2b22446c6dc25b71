using LabSite.Clusters.Netns.Fqdn;

namespace LabSite.Clusters.Netns.Tests.Fqdn;

public class DnsRuleSetTests
{
    private static FqdnSelector P(string p) => FqdnSelector.Pattern(p, out _)!;

    private static FqdnSelector N(string n) => FqdnSelector.Name(n, out _)!;

    [Fact]
    public void AllowsWhenAnySelectorMatches()
    {
        var rules = new DnsRuleSet([N("api.empire.example"), P("*.default.svc.cluster.local")]);
        Assert.True(rules.Allows("api.empire.example"));
        Assert.True(rules.Allows("deathstar.default.svc.cluster.local"));
        Assert.False(rules.Allows("data.rebels.example"));
        // '*' stays within one label: a name two labels deep is not selected.
        Assert.False(rules.Allows("a.b.default.svc.cluster.local"));
    }

    [Fact]
    public void NoSelectorsRefuseEverything()
    {
        Assert.False(new DnsRuleSet([]).Allows("api.empire.example"));
    }

    [Fact]
    public void MatchAllPatternAllowsEveryName()
    {
        var rules = new DnsRuleSet([P("*")]);
        Assert.True(rules.Allows("data.rebels.example"));
        Assert.True(rules.Allows("kubernetes.default.svc.cluster.local."));
    }

    [Fact]
    public void MergingUnitesPolicies()
    {
        var merged = DnsRuleSet.Merge([new DnsRuleSet([N("a.example")]), new DnsRuleSet([N("b.example")])]);
        Assert.True(merged.Allows("a.example") && merged.Allows("b.example"));
        Assert.False(merged.Allows("c.example"));
    }
}
