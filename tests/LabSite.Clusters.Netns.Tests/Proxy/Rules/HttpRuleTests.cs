using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Http;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Tests.Proxy.Rules;

/// <summary>Rule evaluation without sockets: field semantics, peers, header actions and rule errors.</summary>
public sealed class HttpRuleTests
{
    private static HttpRequestHead Request(string method, string target, params (string, string)[] headers)
    {
        var list = new HttpHeaderList { { "Host", "deathstar.default.svc.cluster.local" } };
        foreach (var (n, v) in headers)
        {
            list.Add(n, v);
        }

        return new HttpRequestHead { Method = method, Target = target, Version = HttpWireVersion.Http11, Headers = list };
    }

    [Fact]
    public void EmptyRuleMatchesAnything() =>
        Assert.True(HttpRule.Any.Matches(Request("BREW", "/coffee"), []));

    [Fact]
    public void EveryFieldMustMatch()
    {
        var rule = HttpRule.Create(method: "POST", path: "/v1/request-landing", host: "deathstar\\..*");

        Assert.True(rule.Matches(Request("POST", "/v1/request-landing"), []));
        Assert.False(rule.Matches(Request("PUT", "/v1/request-landing"), []));
        Assert.False(rule.Matches(Request("POST", "/v1/exhaust-port"), []));
    }

    [Fact]
    public void HeaderEntriesAcceptCiliumsSpellings()
    {
        var rule = HttpRule.Create(headers: ["X-A", "X-B: 1", "X-C 2"]);

        Assert.True(rule.Matches(Request("GET", "/", ("X-A", ""), ("X-B", "1"), ("X-C", "2")), []));
        Assert.False(rule.Matches(Request("GET", "/", ("X-B", "1"), ("X-C", "2")), []));
        Assert.False(rule.Matches(Request("GET", "/", ("X-A", "z"), ("X-B", "1"), ("X-C", "3")), []));
    }

    [Fact]
    public void PeersLimitARuleSetAndEmptyMeansAny()
    {
        var policy = new L7PortPolicy(
        [
            new L7RuleSet([HttpRule.Create(method: "GET")], new HashSet<NumericIdentity> { new(300) }),
            new L7RuleSet([HttpRule.Create(method: "HEAD")], new HashSet<NumericIdentity>()),
        ]);

        Assert.True(policy.Evaluate(new NumericIdentity(300), Request("GET", "/")).Allowed);
        Assert.False(policy.Evaluate(new NumericIdentity(301), Request("GET", "/")).Allowed);
        Assert.True(policy.Evaluate(new NumericIdentity(301), Request("HEAD", "/")).Allowed);
    }

    [Fact]
    public void DenialSaysWhy()
    {
        var policy = new L7PortPolicy([new L7RuleSet([HttpRule.Create(method: "GET")], new HashSet<NumericIdentity> { new(300) })]);

        Assert.Equal("no HTTP rule applies to peer identity 2", policy.Evaluate(NumericIdentity.World, Request("GET", "/")).Reason);
        Assert.Equal("no HTTP rule matches PUT /x", policy.Evaluate(new NumericIdentity(300), Request("PUT", "/x")).Reason);
    }

    [Fact]
    public void MismatchActionsAreReportedOnlyWhenTheHeaderMismatches()
    {
        var rule = HttpRule.Create(headerMatches: [new HeaderMatch("X-Team", "empire", HeaderMismatchAction.Replace)]);
        var actions = new List<HeaderMatch>();

        Assert.True(rule.Matches(Request("GET", "/", ("X-Team", "empire")), actions));
        Assert.Empty(actions);
        Assert.True(rule.Matches(Request("GET", "/", ("X-Team", "rebels")), actions));
        Assert.Equal(HeaderMismatchAction.Replace, Assert.Single(actions).Mismatch);
    }

    [Theory]
    [InlineData(null, "http[2].headers[0]: 'Bad Name: x' must be 'Name' or 'Name: value' with a valid header name", "Bad(Name: x")]
    [InlineData("ADD", "http[2].headerMatches[0].value: mismatch ADD needs a value to set", null)]
    public void BadRulesNameTheField(string? mismatch, string message, string? header)
    {
        var e = Assert.Throws<L7RuleException>(() => HttpRule.Create(
            headers: header is null ? null : [header],
            headerMatches: mismatch is null ? null : [new HeaderMatch("X-A", "", HeaderMatch.ParseMismatch(mismatch, "m"))],
            fieldPath: "http[2]"));

        Assert.Equal(message.Replace("'Bad Name: x'", $"'{header}'"), e.Message);
    }

    [Fact]
    public void UnknownMismatchActionIsRefused() =>
        Assert.Equal("http[0].headerMatches[1].mismatch: mismatch 'DROP' must be one of LOG, ADD, DELETE, REPLACE",
            Assert.Throws<L7RuleException>(() => HeaderMatch.ParseMismatch("DROP", "http[0].headerMatches[1].mismatch")).Message);

    [Fact]
    public void MethodRegexErrorNamesTheMethodField() =>
        Assert.Equal("http[0].method", Assert.Throws<L7RuleException>(() => HttpRule.Create(method: "GET|(")).FieldPath);
}
