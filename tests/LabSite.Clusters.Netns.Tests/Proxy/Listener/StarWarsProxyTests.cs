using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.ProxyHarness;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

/// <summary>The Death Star demo's L7 step, probed with the real curl exactly as the demo runs it.</summary>
public sealed class StarWarsProxyTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task TiefighterLandsThroughTheProxy()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();

        var (exit, output) = await h.CurlAsync(Tiefighter, "-XPOST", $"http://{DeathstarHost}/v1/request-landing");

        Assert.True(exit == 0, $"curl exit {exit}; proxy log: {string.Join(" | ", h.Log)}");
        Assert.Equal("Ship landed\n", output);
    }

    [Fact]
    public async Task ExhaustPortGetsEnvoysAccessDeniedBytes()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();

        var (exit, output) = await h.CurlAsync(Tiefighter, "-XPUT", $"http://{DeathstarHost}/v1/exhaust-port");

        Assert.Equal(0, exit);
        Assert.Equal("Access denied\r\n", output);
    }

    [Fact]
    public async Task DeniedResponseHasEnvoysStatusAndHeaders()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();

        var raw = await h.RawAsync($"PUT /v1/exhaust-port HTTP/1.1\r\nHost: {DeathstarHost}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", raw);
        Assert.Contains("\r\ncontent-length: 15\r\n", raw);
        Assert.Contains("\r\ncontent-type: text/plain\r\n", raw);
        Assert.EndsWith("\r\n\r\nAccess denied\r\n", raw);
    }

    [Fact]
    public async Task XwingIsDeniedByPeerIdentityEvenForTheAllowedCall()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();

        var (_, output) = await h.CurlAsync(Xwing, "-XPOST", $"http://{DeathstarHost}/v1/request-landing");

        Assert.Equal("Access denied\r\n", output);
    }
}
