using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.ProxyHarness;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

/// <summary>Bad clients and bad upstreams: each gets a clear status and never disturbs other connections.</summary>
public sealed class ProxyFaultTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string Host = $"Host: {DeathstarHost}\r\n";

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "400 Bad Request")]
    [InlineData("GET  /two-spaces HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /x HTTP/1.1\r\n\r\n", "400 Bad Request")] // no Host
    [InlineData("GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /x HTTP/2.0\r\nHost: x\r\n\r\n", "505 HTTP Version Not Supported")]
    [InlineData("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "400 Bad Request")]
    [InlineData("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "400 Bad Request")]
    [InlineData("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501 Not Implemented")]
    public async Task MalformedRequestsGetAClearErrorAndAClose(string request, string status)
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync(request, halfClose: false);

        Assert.StartsWith($"HTTP/1.1 {status}\r\n", raw);
        Assert.Contains("connection: close\r\n", raw);
    }

    [Fact]
    public async Task MalformedRequestErrorSaysWhatIsWrong()
    {
        await using var h = Start(fixture.Upstream.EndPoint);

        var raw = await h.RawAsync("GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", halfClose: false);

        Assert.Contains("header line 3 'Bad Header' must be 'Name: value'", raw);
    }

    [Fact]
    public async Task OversizedHeaderLineGets431()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}X-Big: {new string('a', 9000)}\r\n\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large", raw);
        Assert.Contains("8192-byte limit", raw);
    }

    [Fact]
    public async Task OversizedHeadGets431()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);
        var headers = string.Concat(Enumerable.Range(0, 20).Select(i => $"X-H{i}: {new string('b', 4000)}\r\n"));

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}{headers}\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large", raw);
        Assert.Contains("65536-byte limit", raw);
    }

    [Fact]
    public async Task UpstreamDownGets503WithFlows()
    {
        var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var deadEnd = (IPEndPoint)closed.LocalEndPoint!;
        closed.Dispose(); // nothing listens there now: connect is refused
        await using var h = Start(deadEnd);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 503 Service Unavailable", raw);
        Assert.Contains("upstream connect error", raw);
        var flows = await h.Sink.WaitForAsync(2);
        Assert.Equal(503u, flows[1].L7!.Http!.Code);
    }

    [Fact]
    public async Task GarbageFromUpstreamGets502()
    {
        await using var bad = new RawUpstream(async (s, ct) =>
        {
            await RawUpstream.ReadHeadAsync(s, ct);
            await RawUpstream.SendAsync(s, "SSH-2.0-OpenSSH_9.6\r\n\r\n");
        });
        await using var h = Start(bad.EndPoint);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 502 Bad Gateway", raw);
        Assert.Contains("bad upstream response", raw);
    }

    [Fact]
    public async Task UpstreamClosingWithoutAnswerGets502()
    {
        await using var bad = new RawUpstream(async (s, ct) => await RawUpstream.ReadHeadAsync(s, ct));
        await using var h = Start(bad.EndPoint);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 502 Bad Gateway", raw);
        Assert.Contains("closed the connection before responding", raw);
    }

    [Fact]
    public async Task SilentUpstreamGets504()
    {
        await using var silent = new RawUpstream(async (s, ct) =>
        {
            await RawUpstream.ReadHeadAsync(s, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var h = Start(silent.EndPoint, o => o with { UpstreamResponseTimeout = TimeSpan.FromMilliseconds(300) });
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 504 Gateway Timeout", raw);
        var flows = await h.Sink.WaitForAsync(2);
        Assert.Equal(504u, flows[1].L7!.Http!.Code);
    }

    [Fact]
    public async Task AnAnswerSlowerThanAnEarlierPhasesDeadlineButWithinItsOwnGoesThrough()
    {
        // The head phase's 300 ms deadline is armed when the request arrives; moving to the response phase (30 s)
        // must move it, not leave the earlier timer to cut the connection.
        await using var slow = new RawUpstream(async (s, ct) =>
        {
            await RawUpstream.ReadHeadAsync(s, ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"u8.ToArray(), ct);
        });
        await using var h = Start(slow.EndPoint, o => o with { RequestHeadTimeout = TimeSpan.FromMilliseconds(300), UpstreamResponseTimeout = TimeSpan.FromSeconds(30) });
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}Connection: close\r\n\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 200 OK", raw);
        Assert.EndsWith("slow", raw);
    }

    [Fact]
    public async Task ClientStallingInsideItsHeadGets408()
    {
        await using var h = Start(fixture.Upstream.EndPoint, o => o with { RequestHeadTimeout = TimeSpan.FromMilliseconds(300) });
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}X-Half: ", halfClose: false);

        Assert.StartsWith("HTTP/1.1 408 Request Timeout", raw);
    }

    [Fact]
    public async Task IdleKeepAliveConnectionIsClosedQuietly()
    {
        await using var h = Start(fixture.Upstream.EndPoint, o => o with { IdleTimeout = TimeSpan.FromMilliseconds(300) });

        var raw = await h.RawAsync("", halfClose: false);

        Assert.Equal("", raw);
    }

    [Fact]
    public async Task AStalledClientDoesNotBlockOthers()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);
        using var stalled = await h.ConnectAsync();
        await stalled.SendAsync(Encoding.ASCII.GetBytes($"POST /slow HTTP/1.1\r\n{Host}Content-Length: 100\r\n\r\nonly-part"));
        using var c = h.Client();

        using var response = await c.GetAsync("/fast");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Proxy.ActiveConnections);
    }

    [Fact]
    public async Task TruncatedUpstreamBodyEndsTheClientConnection()
    {
        await using var bad = new RawUpstream(async (s, ct) =>
        {
            await RawUpstream.ReadHeadAsync(s, ct);
            await RawUpstream.SendAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
        });
        await using var h = Start(bad.EndPoint);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}\r\n", halfClose: false);

        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", raw);
        var flows = await h.Sink.WaitForAsync(2);
        Assert.Equal(Verdict.FORWARDED, flows[1].Verdict);
    }
}
