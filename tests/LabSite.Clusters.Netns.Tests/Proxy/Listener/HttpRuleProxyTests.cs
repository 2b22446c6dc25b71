using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.ProxyHarness;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

/// <summary>HTTP rule semantics, each probed with real requests through the proxy to a real upstream.</summary>
public sealed class HttpRuleProxyTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private static async Task<HttpStatusCode> Send(HttpClient client, string method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task MethodIsMatchedAsAWholeValueRegex()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET|HEAD")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/x"));
        Assert.Equal(HttpStatusCode.OK, await Send(c, "HEAD", "/x"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "POST", "/x"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GETX", "/x")); // anchored: GET must be the whole method
    }

    [Fact]
    public async Task PathRegexAllowsASubtree()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(path: "/v1/.*")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/v1/anything/deeper"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/v2/x"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/prefix/v1/x"));
    }

    [Fact]
    public async Task PathWithoutWildcardMatchesOnlyTheExactPathAndNoQuery()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(path: "/v1")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/v1"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/v1/x"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/v1?debug=1")); // Envoy matches :path, query included
    }

    [Fact]
    public async Task PosixBracketClassesWorkInPaths()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(path: "/ships/[[:digit:]]+")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/ships/42"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/ships/4x2"));
    }

    [Fact]
    public async Task HostIsMatchedAgainstTheHostHeader()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(host: @"deathstar\.default\.svc\.cluster\.local")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/", ("Host", "rebel-base.default.svc.cluster.local")));
    }

    [Fact]
    public async Task HeaderPresenceAndExactValue()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(headers: ["X-Has-Force", "X-Side: dark"])]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/", ("X-Has-Force", "anything"), ("X-Side", "dark")));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/", ("X-Side", "dark")));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/", ("X-Has-Force", "1"), ("X-Side", "light")));
    }

    [Fact]
    public async Task HeaderMatchWithoutMismatchActionIsRequired()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(headerMatches: [new HeaderMatch("X-Token", "sith")])]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/", ("X-Token", "sith")));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/", ("X-Token", "jedi")));
    }

    [Fact]
    public async Task HeaderMismatchActionsRewriteTheForwardedRequest()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(headerMatches:
        [
            new HeaderMatch("X-Added", "yes", HeaderMismatchAction.Add),
            new HeaderMatch("X-Replaced", "new", HeaderMismatchAction.Replace),
            new HeaderMatch("X-Deleted", "keep-only-this", HeaderMismatchAction.Delete),
            new HeaderMatch("X-Logged", "x", HeaderMismatchAction.Log),
        ])]);
        using var c = h.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo");
        request.Headers.Add("X-Replaced", "old");
        request.Headers.Add("X-Deleted", "other");
        request.Headers.Add("X-Logged", "y");

        using var response = await c.SendAsync(request);
        var echo = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-Added: yes\n", echo);
        Assert.Contains("X-Replaced: new\n", echo);
        Assert.DoesNotContain("X-Deleted", echo);
        Assert.Contains("X-Logged: y\n", echo); // LOG only reports
    }

    [Fact]
    public async Task SeveralRulesAreOred()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET", path: "/public/.*"), HttpRule.Create(method: "POST", path: "/v1/request-landing")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/public/map"));
        Assert.Equal(HttpStatusCode.OK, await Send(c, "POST", "/v1/request-landing"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "POST", "/public/map"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/v1/request-landing"));
    }

    [Fact]
    public async Task EmptyRuleAllowsEverythingAndStillReportsFlows()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "DELETE", "/anything"));
        Assert.Equal(HttpStatusCode.OK, await Send(c, "PATCH", "/else"));

        var flows = await h.Sink.WaitForAsync(4);
        Assert.Equal(4, flows.Count);
        Assert.All(flows, f => Assert.Equal(Verdict.FORWARDED, f.Verdict));
    }

    [Fact]
    public async Task RuleSetsForDifferentPeersAddUp()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Policies.Set(h.Key, new L7PortPolicy(
        [
            new L7RuleSet([HttpRule.Create(path: "/empire/.*")], new HashSet<NumericIdentity> { TiefighterId }),
            new L7RuleSet([HttpRule.Create(path: "/rebels/.*")], new HashSet<NumericIdentity> { XwingId }),
        ]));
        using var tie = h.Client(Tiefighter);
        using var xwing = h.Client(Xwing);

        Assert.Equal(HttpStatusCode.OK, await Send(tie, "GET", "/empire/plans"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(tie, "GET", "/rebels/plans"));
        Assert.Equal(HttpStatusCode.OK, await Send(xwing, "GET", "/rebels/plans"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(xwing, "GET", "/empire/plans"));
    }

    [Fact]
    public async Task RulesOnTwoPortsAreKeptApart()
    {
        await using var second = await KestrelUpstream.StartAsync();
        var table = new L7PolicyTable();
        await using var a = Start(fixture.Upstream.EndPoint, policies: table);
        await using var b = Start(second.EndPoint, policies: table);
        a.Allow([HttpRule.Create(path: "/only-on-a")]);
        b.Allow([HttpRule.Create(path: "/only-on-b")]);
        using var ca = a.Client();
        using var cb = b.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(ca, "GET", "/only-on-a"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(ca, "GET", "/only-on-b"));
        Assert.Equal(HttpStatusCode.OK, await Send(cb, "GET", "/only-on-b"));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(cb, "GET", "/only-on-a"));
    }

    [Fact]
    public async Task NoPolicyForThePortDenies()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/"));
    }

    [Fact]
    public async Task PolicyChangeAppliesToTheNextRequestOnAnOpenConnection()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET")]);
        using var c = h.Client();

        Assert.Equal(HttpStatusCode.OK, await Send(c, "GET", "/"));
        h.Allow([HttpRule.Create(method: "POST")]);
        Assert.Equal(HttpStatusCode.Forbidden, await Send(c, "GET", "/"));
    }
}
