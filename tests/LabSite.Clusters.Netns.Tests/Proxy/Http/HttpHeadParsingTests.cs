using System.IO.Pipelines;
using System.Text;
using LabSite.Clusters.Netns.Proxy.Http;
using HttpProtocolException = LabSite.Clusters.Netns.Proxy.Http.HttpProtocolException;

namespace LabSite.Clusters.Netns.Tests.Proxy.Http;

/// <summary>The head reader and parser on their own, fed from a pipe: good heads, and a bad-input corpus with exact messages.</summary>
public sealed class HttpHeadParsingTests
{
    private static async Task<HttpRequestHead?> ParseAsync(string wire, HttpLimits? limits = null)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.Latin1.GetBytes(wire));
        await pipe.Writer.CompleteAsync();
        var head = await HttpHeadReader.ReadAsync(pipe.Reader, limits ?? HttpLimits.Default, "request", 431, 400, CancellationToken.None);
        return head is null ? null : HttpHeadParser.ParseRequest(head.Value.Lines, head.Value.Bytes);
    }

    [Fact]
    public async Task ParsesARequestKeepingHeaderOrderAndSpelling()
    {
        var head = await ParseAsync("\r\nPOST /v1/request-landing?x=1 HTTP/1.1\r\nHost: deathstar\r\nx-Mixed-Case:  padded value \t\r\n\r\n");

        Assert.NotNull(head);
        Assert.Equal("POST", head.Method);
        Assert.Equal("/v1/request-landing?x=1", head.PathAndQuery);
        Assert.Equal("deathstar", head.Host);
        Assert.Equal(new KeyValuePair<string, string>("x-Mixed-Case", "padded value"), head.Headers[1]);
        Assert.Equal("http://deathstar/v1/request-landing?x=1", head.FlowUrl);
        Assert.True(head.KeepAlive);
    }

    [Fact]
    public async Task AcceptsBareLineFeeds()
    {
        var head = await ParseAsync("GET / HTTP/1.0\n\n");

        Assert.Equal(HttpWireVersion.Http10, head!.Version);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public async Task AbsoluteFormTargetGivesHostAndPath()
    {
        var head = await ParseAsync("GET http://deathstar:8080/a?b HTTP/1.0\r\n\r\n");

        Assert.Equal("deathstar:8080", head!.Host);
        Assert.Equal("/a?b", head.PathAndQuery);
    }

    [Theory]
    [InlineData("Connection", "close", "close", true)]
    [InlineData("connection", "Keep-Alive, Upgrade", "upgrade", true)]
    [InlineData("Connection", " foo ,  CLOSE ", "close", true)]
    [InlineData("Connection", "closed", "close", false)]
    [InlineData("Connection", "", "close", false)]
    [InlineData("Connection", ",,", "close", false)]
    [InlineData("Expect", "100-continue", "100-continue", true)]
    public void CommaListTokensMatchWholeTrimmedItemsIgnoringCase(string name, string value, string token, bool expected)
    {
        var headers = new HttpHeaderList { { "Host", "x" }, { name, value } };

        Assert.Equal(expected, headers.HasToken(name, token));
    }

    [Fact]
    public void TokensAreFoundInAnyRepeatOfTheField()
    {
        var headers = new HttpHeaderList { { "Connection", "keep-alive" }, { "Host", "x" }, { "Connection", "TE, close" } };

        Assert.True(headers.HasToken("connection", "close"));
        Assert.True(headers.HasToken("Connection", "te"));
        Assert.False(headers.HasToken("Connection", "upgrade"));
        Assert.False(new HttpHeaderList { { "X-Connection", "close" } }.HasToken("Connection", "close"));
    }

    [Fact]
    public async Task CleanCloseBeforeAnyByteIsNotAnError() => Assert.Null(await ParseAsync(""));

    [Theory]
    [InlineData("GET /x HTTP/1.1\r\nHost: a", 400, "request: connection closed in the middle of the head after 24 bytes")]
    [InlineData("GET /x\r\n\r\n", 400, "request line 'GET /x' must be 'METHOD target HTTP/1.1' (three parts separated by single spaces)")]
    [InlineData("G(T /x HTTP/1.1\r\n\r\n", 400, "request line: method 'G(T' is not a token")]
    [InlineData("GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400, "request line: target 'x' must start with '/' or be an absolute URL")]
    [InlineData("GET /x HTTP/1.2\r\nHost: a\r\n\r\n", 505, "request line: HTTP version 'HTTP/1.2' is not supported (only HTTP/1.0 and HTTP/1.1)")]
    [InlineData("GET /x HTPT/1.1\r\nHost: a\r\n\r\n", 400, "request line: 'HTPT/1.1' is not an HTTP version (expected HTTP/1.1)")]
    [InlineData("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "request: HTTP/1.1 requires exactly one Host header (RFC 9112 §3.2)")]
    [InlineData("GET /x HTTP/1.1\r\nHost : a\r\n\r\n", 400, "request header line 2 'Host : a' must be 'Name: value' with a token name and no space before ':'")]
    [InlineData("GET /x HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", 400, "request header 'X' has a control character in its value")]
    [InlineData("GET /x HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400, "request: line 2 contains a bare CR or NUL byte")]
    public async Task BadHeadsAreRefusedWithStatusAndReason(string wire, int status, string message)
    {
        var e = await Assert.ThrowsAsync<HttpProtocolException>(() => ParseAsync(wire));

        Assert.Equal(status, e.StatusCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task HeaderCountLimitGives431()
    {
        var many = string.Concat(Enumerable.Range(0, 5).Select(i => $"X-{i}: v\r\n"));

        var e = await Assert.ThrowsAsync<HttpProtocolException>(() => ParseAsync($"GET / HTTP/1.1\r\nHost: a\r\n{many}\r\n", new HttpLimits { MaxHeaderCount = 4 }));

        Assert.Equal(431, e.StatusCode);
        Assert.Equal("request: more than 4 header fields", e.Message);
    }

    [Fact]
    public async Task UnterminatedLongLineGives431BeforeTheHeadEnds()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("GET /" + new string('a', 100)));

        var e = await Assert.ThrowsAsync<HttpProtocolException>(async () =>
            await HttpHeadReader.ReadAsync(pipe.Reader, new HttpLimits { MaxLineBytes = 64 }, "request", 431, 400, CancellationToken.None));

        Assert.Equal(431, e.StatusCode);
        Assert.Equal("request: line 1 is over the 64-byte limit", e.Message);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK", 200, "OK")]
    [InlineData("HTTP/1.1 204", 204, "")]
    [InlineData("HTTP/1.0 404 Not Found Here", 404, "Not Found Here")]
    public void ParsesStatusLines(string line, int code, string reason)
    {
        var head = HttpHeadParser.ParseResponse([line]);

        Assert.Equal(code, head.StatusCode);
        Assert.Equal(reason, head.Reason);
    }

    [Theory]
    [InlineData("HTTP/1.1 2000 OK")]
    [InlineData("HTTP/1.1 20")]
    [InlineData("ICY 200 OK")]
    [InlineData("HTTP/1.1 OK 200")]
    public void BadStatusLinesAre502(string line) =>
        Assert.Equal(502, Assert.Throws<HttpProtocolException>(() => HttpHeadParser.ParseResponse([line])).StatusCode);
}
