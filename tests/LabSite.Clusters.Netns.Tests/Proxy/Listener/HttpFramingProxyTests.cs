using System.Text;
using System.Text.RegularExpressions;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.ProxyHarness;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

/// <summary>HTTP/1.x framing through the proxy: pipelining, chunked bodies, keep-alive, close, HTTP/1.0, Expect.</summary>
public sealed class HttpFramingProxyTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string Host = $"Host: {DeathstarHost}\r\n";

    private static string[] StatusLines(string raw) =>
        [.. Regex.Matches(raw, @"HTTP/1\.1 \d{3} [^\r]*").Select(m => m.Value)];

    [Fact]
    public async Task PipelinedRequestsAreAnsweredInOrderIncludingADeniedOneInTheMiddle()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET|POST")]);

        var raw = await h.RawAsync(
            $"GET /first HTTP/1.1\r\n{Host}\r\n" +
            $"PUT /second HTTP/1.1\r\n{Host}Content-Length: 5\r\n\r\nhello" +
            $"POST /third HTTP/1.1\r\n{Host}Content-Length: 3\r\n\r\nabc");

        Assert.Equal(["HTTP/1.1 200 OK", "HTTP/1.1 403 Forbidden", "HTTP/1.1 200 OK"], StatusLines(raw));
        Assert.True(raw.IndexOf("GET /first", StringComparison.Ordinal) < raw.IndexOf("Access denied", StringComparison.Ordinal));
        Assert.Contains("POST /third\n", raw);
        Assert.Contains("body=abc", raw);
    }

    [Fact]
    public async Task ChunkedRequestBodyIsForwarded()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync(
            $"POST /upload HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\n" +
            "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK", raw);
        Assert.Contains("body=hello, world", raw);
    }

    [Fact]
    public async Task ChunkedResponseIsForwardedIntact()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);
        using var c = h.Client();

        using var response = await c.GetAsync("/chunked");

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("part one,part two", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task KeepAliveReusesOneClientAndOneUpstreamConnection()
    {
        await using var upstream = await KestrelUpstream.StartAsync();
        await using var h = Start(upstream.EndPoint);
        h.Allow([HttpRule.Any]);

        using var s = await h.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await s.SendAsync(Encoding.ASCII.GetBytes($"GET /n{i} HTTP/1.1\r\n{Host}\r\n"));
            var text = await ReadOneResponseAsync(s);
            Assert.Contains($"GET /n{i}\n", text);
        }

        Assert.Equal(1, upstream.ConnectionCount);
        Assert.Equal(1, h.Proxy.ActiveConnections);
    }

    [Fact]
    public async Task ConnectionCloseEndsTheConnectionAfterTheResponse()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Any]);

        // No half-close: only the proxy closing can end ReadToEnd.
        var raw = await h.RawAsync($"GET /bye HTTP/1.1\r\n{Host}Connection: close\r\n\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 200 OK", raw);
        Assert.Contains("GET /bye\n", raw);
    }

    [Fact]
    public async Task Http10RequestIsServedAndClosed()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET")]);

        var raw = await h.RawAsync($"GET /old HTTP/1.0\r\n{Host}\r\n", halfClose: false);

        Assert.Matches(@"^HTTP/1\.[01] 200 OK", raw);
        Assert.Contains("GET /old\n", raw);
        var flows = await h.Sink.WaitForAsync(2);
        Assert.Equal("HTTP/1", flows[0].L7!.Http!.Protocol);
    }

    [Fact]
    public async Task Http10DeniedKeepAliveGetsAKeepAliveForbidden()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET")]);

        var raw = await h.RawAsync($"DELETE /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /y HTTP/1.0\r\n\r\n");

        Assert.Contains("connection: keep-alive\r\n", raw);
        Assert.Equal(["HTTP/1.1 403 Forbidden"], StatusLines(raw).Take(1));
        Assert.Contains("GET /y\n", raw);
    }

    [Fact]
    public async Task ExpectContinueIsAnsweredByTheProxyOnlyWhenAllowed()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "POST")]);

        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes($"POST /big HTTP/1.1\r\n{Host}Content-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
        var interim = await ReadOneResponseAsync(s);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", interim);
        await s.SendAsync("data"u8.ToArray());
        var final = await ReadOneResponseAsync(s);
        Assert.StartsWith("HTTP/1.1 200 OK", final);
        Assert.Contains("expect=\n", final); // the upstream never saw Expect
        Assert.Contains("body=data", final);

        var denied = await h.RawAsync($"PUT /big HTTP/1.1\r\n{Host}Content-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 403 Forbidden", denied);
        Assert.DoesNotContain("100 Continue", denied);
    }

    [Fact]
    public async Task DeniedRequestBodyIsDrainedSoTheConnectionStaysUsable()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.Allow([HttpRule.Create(method: "GET")]);

        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes($"POST /x HTTP/1.1\r\n{Host}Content-Length: 10\r\n\r\n0123456789"));
        Assert.StartsWith("HTTP/1.1 403 Forbidden", await ReadOneResponseAsync(s));
        await s.SendAsync(Encoding.ASCII.GetBytes($"GET /after HTTP/1.1\r\n{Host}\r\n"));
        Assert.Contains("GET /after\n", await ReadOneResponseAsync(s));
    }

    /// <summary>Reads one response with a Content-Length body (or none) from a kept-alive connection.</summary>
    private static async Task<string> ReadOneResponseAsync(System.Net.Sockets.Socket s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var sb = new StringBuilder();
        var one = new byte[1];
        for (var i = 0; i < 100_000; i++)
        {
            var text = sb.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var m = Regex.Match(text[..end], @"(?im)^content-length: *(\d+)");
                var length = m.Success ? int.Parse(m.Groups[1].Value) : 0;
                if (text.Length >= end + 4 + length)
                {
                    return text;
                }
            }

            if (await s.ReceiveAsync(one, System.Net.Sockets.SocketFlags.None, cts.Token) == 0)
            {
                return sb.ToString();
            }

            sb.Append((char)one[0]);
        }

        return sb.ToString();
    }
}
