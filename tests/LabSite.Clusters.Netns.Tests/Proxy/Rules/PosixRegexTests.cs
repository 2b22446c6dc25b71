using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Tests.Proxy.Rules;

/// <summary>ERE/RE2 patterns as Cilium users write them, matched against whole values.</summary>
public sealed class PosixRegexTests
{
    [Theory]
    [InlineData("/v1/request-landing", "/v1/request-landing", true)]
    [InlineData("/v1/request-landing", "/v1/request-landing/x", false)]
    [InlineData("/v1/request-landing", "x/v1/request-landing", false)]
    [InlineData("/v1/.*", "/v1/", true)]
    [InlineData("GET|POST", "POST", true)]
    [InlineData("GET|POST", "GETPOST", false)]
    [InlineData("/api/v[0-9]+/[[:alpha:]]+", "/api/v12/ships", true)]
    [InlineData("/api/v[0-9]+/[[:alpha:]]+", "/api/v12/sh1ps", false)]
    [InlineData("[]a]+", "]a]", true)]
    [InlineData("[^[:space:]]+", "no-spaces", true)]
    [InlineData("[^[:space:]]+", "has space", false)]
    [InlineData("a{2,3}", "aaa", true)]
    [InlineData("a{2,3}", "aaaa", false)]
    [InlineData("/files/\\d+\\.txt", "/files/42.txt", true)]
    [InlineData("/files/\\d+\\.txt", "/files/42xtxt", false)]
    [InlineData("(?i)deathstar", "DeathStar", true)]
    [InlineData("a b#c", "a b#c", true)]
    [InlineData("[a\\-z]", "-", true)]
    [InlineData("[[:punct:]]", "~", true)]
    [InlineData("(a|b)(?:c)", "bc", true)]
    public void MatchesWholeValue(string pattern, string value, bool expected) =>
        Assert.Equal(expected, PosixRegex.Compile(pattern, "http[0].path").IsMatch(value));

    [Theory]
    [InlineData("(a)\\1", "http[0].path: regex '(a)\\1' at offset 3: backreference '\\1' is not supported (Envoy's RE2 has none)")]
    [InlineData("(?=x)", "http[0].path: regex '(?=x)' at offset 0: group '(?' is not supported here (only (?:…), (?P<name>…) and flags i, s, m)")]
    [InlineData("[[:alfa:]]", "http[0].path: regex '[[:alfa:]]' at offset 1: unknown character class '[:alfa:]' (known: alpha, digit, alnum, upper, lower, space, blank, xdigit, cntrl, print, graph, word, punct)")]
    [InlineData("[abc", "http[0].path: regex '[abc' at offset 0: '[' is never closed with ']'")]
    [InlineData("(abc", "http[0].path: regex '(abc' at offset 4: '(' is never closed")]
    [InlineData("abc)", "http[0].path: regex 'abc)' at offset 3: ')' without a matching '('")]
    [InlineData("[z-a]", "http[0].path: regex '[z-a]' at offset 1: range 'z-a' is reversed")]
    [InlineData("abc\\", "http[0].path: regex 'abc\\' at offset 4: pattern ends with a lone backslash")]
    [InlineData("\\q", "http[0].path: regex '\\q' at offset 0: escape '\\q' is not supported (use a bracket expression)")]
    [InlineData("a**", "http[0].path: 'a**' is not a valid regular expression: ")]
    public void BadPatternsNameTheFieldAndTheProblem(string pattern, string message)
    {
        var e = Assert.Throws<L7RuleException>(() => PosixRegex.Compile(pattern, "http[0].path"));

        Assert.StartsWith(message, e.Message);
        Assert.Equal("http[0].path", e.FieldPath);
    }
}
