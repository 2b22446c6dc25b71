using LabSite.Clusters.Netns.Fqdn;

namespace LabSite.Clusters.Netns.Tests.Fqdn;

public class FqdnSelectorTests
{
    private static FqdnSelector Pattern(string p) => FqdnSelector.Pattern(p, out var e) ?? throw new InvalidOperationException(e);

    // Cilium's matchpattern semantics: '*' stays within one label (zero or more characters), a leading '**.' is one
    // or more whole labels, a pattern of only stars selects every name.
    [Theory]
    [InlineData("*.empire.example", "api.empire.example", true)]
    [InlineData("*.empire.example", "API.Empire.Example.", true)]
    [InlineData("*.empire.example", "empire.example", false)]
    [InlineData("*.empire.example", "a.b.empire.example", false)]
    [InlineData("*.empire.example", ".empire.example", true)] // zero characters, as Cilium's regex allows
    [InlineData("*empire.example", "galacticempire.example", true)]
    [InlineData("*empire.example", "x.empire.example", false)]
    [InlineData("api.*.example", "api.empire.example", true)]
    [InlineData("api.*.example", "api.a.b.example", false)]
    [InlineData("**.empire.example", "a.b.empire.example", true)]
    [InlineData("**.empire.example", "api.empire.example", true)]
    [InlineData("**.empire.example", "empire.example", false)]
    [InlineData("*", "data.rebels.example", true)]
    [InlineData("*", "anything.at.all.", true)]
    [InlineData("**.", "x.y.", true)]
    [InlineData("api.empire.example", "api.empire.example.", true)]
    [InlineData("api.empire.example", "apixempire.example", false)] // '.' is literal, not a regex dot
    [InlineData("a*i.empire.example", "ai.empire.example", true)]
    [InlineData("a**i.empire.example", "abci.empire.example", true)] // inner stars collapse to one
    public void MatchPatternFollowsCilium(string pattern, string name, bool expected) =>
        Assert.Equal(expected, Pattern(pattern).Matches(name));

    [Theory]
    [InlineData("api.empire.example", "api.empire.example", true)]
    [InlineData("api.empire.example", "Api.Empire.Example.", true)]
    [InlineData("api.empire.example", "x.api.empire.example", false)]
    [InlineData("api.empire.example", "api.empire.example.evil", false)]
    public void MatchNameIsExactButCaseInsensitive(string matchName, string name, bool expected) =>
        Assert.Equal(expected, FqdnSelector.Name(matchName, out _)!.Matches(name));

    [Theory]
    [InlineData("*.empire.example", true)]
    [InlineData("api.empire.example", false)]
    [InlineData("bad name", false)]
    [InlineData("a..b", false)]
    [InlineData("(a|b).example", false)]
    [InlineData("", false)]
    public void MatchNameRefusesWildcardsAndBadCharacters(string name, bool wildcard)
    {
        var s = FqdnSelector.Name(name, out var error);
        if (name == "api.empire.example")
        {
            Assert.NotNull(s);
            Assert.Null(error);
            return;
        }
        Assert.Null(s);
        Assert.NotNull(error);
        if (wildcard)
        {
            Assert.Contains("use matchPattern", error);
        }
    }

    [Theory]
    [InlineData("[a-z]+.example")]
    [InlineData("a{1,3}.example")]
    [InlineData(".example")]
    [InlineData("a b")]
    public void MatchPatternRefusesRegexSyntax(string pattern)
    {
        Assert.Null(FqdnSelector.Pattern(pattern, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void OverlongSelectorsAndNamesAreRefused()
    {
        Assert.Null(FqdnSelector.Pattern(new string('a', 256), out var error));
        Assert.Contains("255", error);
        // A hostile name of many labels neither matches nor takes the matcher long (non-backtracking regex).
        var huge = string.Join('.', Enumerable.Repeat("aaaaaaaaaa", 5000));
        Assert.False(Pattern("**.example").Matches(huge));
        Assert.False(Pattern("*").Matches(huge));
    }
}
