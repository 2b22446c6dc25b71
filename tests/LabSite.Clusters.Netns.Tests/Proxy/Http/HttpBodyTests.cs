using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using LabSite.Clusters.Netns.Proxy.Http;
using HttpProtocolException = LabSite.Clusters.Netns.Proxy.Http.HttpProtocolException;

namespace LabSite.Clusters.Netns.Tests.Proxy.Http;

/// <summary>Body framing decisions and the byte-exact body copier, including slow peers that deliver one byte at a time.</summary>
public sealed class HttpBodyTests
{
    private static HttpHeaderList Headers(params (string, string)[] fields)
    {
        var list = new HttpHeaderList();
        foreach (var (n, v) in fields)
        {
            list.Add(n, v);
        }

        return list;
    }

    [Fact]
    public void FramingFollowsRfc9112()
    {
        Assert.Equal(HttpBodyFraming.Empty, HttpBodyFraming.ForRequest(Headers(), HttpWireVersion.Http11));
        Assert.Equal(new HttpBodyFraming(HttpBodyKind.ContentLength, 12), HttpBodyFraming.ForRequest(Headers(("content-length", "12")), HttpWireVersion.Http11));
        Assert.Equal(new HttpBodyFraming(HttpBodyKind.ContentLength, 12), HttpBodyFraming.ForRequest(Headers(("Content-Length", "12, 12")), HttpWireVersion.Http11));
        Assert.Equal(HttpBodyKind.Chunked, HttpBodyFraming.ForRequest(Headers(("Transfer-Encoding", "gzip, chunked")), HttpWireVersion.Http11).Kind);
        Assert.Equal(HttpBodyKind.UntilClose, HttpBodyFraming.ForResponse(Headers(), HttpWireVersion.Http11, 200, "GET").Kind);
        Assert.Equal(HttpBodyKind.None, HttpBodyFraming.ForResponse(Headers(("Content-Length", "5")), HttpWireVersion.Http11, 200, "HEAD").Kind);
        Assert.Equal(HttpBodyKind.None, HttpBodyFraming.ForResponse(Headers(), HttpWireVersion.Http11, 304, "GET").Kind);
    }

    [Theory]
    [InlineData("Content-Length", "-1", "request: Content-Length '-1' is not a non-negative integer")]
    [InlineData("Content-Length", "1 2", "request: Content-Length '1 2' is not a non-negative integer")]
    [InlineData("Content-Length", "3,4", "request: conflicting Content-Length values 3 and 4")]
    public void BadContentLengthIs400(string name, string value, string message)
    {
        var e = Assert.Throws<HttpProtocolException>(() => HttpBodyFraming.ForRequest(Headers((name, value)), HttpWireVersion.Http11));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ChunkedInHttp10RequestIs400() =>
        Assert.Equal(400, Assert.Throws<HttpProtocolException>(() =>
            HttpBodyFraming.ForRequest(Headers(("Transfer-Encoding", "chunked")), HttpWireVersion.Http10)).StatusCode);

    private static async Task<(string Copied, long Payload, string Left)> CopyAsync(string wire, HttpBodyFraming framing, bool byteByByte = false)
    {
        var pipe = new Pipe();
        var writer = Task.Run(async () =>
        {
            foreach (var part in byteByByte ? wire.Select(c => c.ToString()) : [wire])
            {
                await pipe.Writer.WriteAsync(Encoding.Latin1.GetBytes(part));
                await pipe.Writer.FlushAsync();
            }

            await pipe.Writer.CompleteAsync();
        });
        using var output = new MemoryStream();
        var payload = await HttpBodyCopier.CopyAsync(pipe.Reader, output, framing, HttpLimits.Default, "body", 400, CancellationToken.None);
        await writer;
        var rest = await pipe.Reader.ReadAsync();
        return (Encoding.Latin1.GetString(output.ToArray()), payload, Encoding.Latin1.GetString(rest.Buffer.ToArray()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChunkedBodyIsCopiedVerbatimAndStopsAtItsEnd(bool byteByByte)
    {
        const string body = "4\r\nWiki\r\n6;name=val\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";

        var (copied, payload, left) = await CopyAsync(body + "NEXT", new HttpBodyFraming(HttpBodyKind.Chunked), byteByByte);

        Assert.Equal(body, copied);
        Assert.Equal(24, payload);
        Assert.Equal("NEXT", left);
    }

    [Fact]
    public async Task ContentLengthBodyStopsAtItsLength()
    {
        var (copied, _, left) = await CopyAsync("helloGET /", new HttpBodyFraming(HttpBodyKind.ContentLength, 5));

        Assert.Equal("hello", copied);
        Assert.Equal("GET /", left);
    }

    [Theory]
    [InlineData("zz\r\n", "body: chunk size 'zz' is not a hexadecimal number")]
    [InlineData("3\r\nabcX\r\n", "body: chunk data is not followed by CRLF")]
    [InlineData("3\nabc\r\n", "body: chunk-size or trailer line does not end with CRLF")]
    [InlineData("5\r\nab", "body: connection closed inside a chunked body")]
    public async Task BrokenChunkedBodiesFail(string wire, string message)
    {
        var e = await Assert.ThrowsAsync<HttpProtocolException>(() => CopyAsync(wire, new HttpBodyFraming(HttpBodyKind.Chunked)));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task ShortContentLengthBodyFails()
    {
        var e = await Assert.ThrowsAsync<HttpProtocolException>(() => CopyAsync("abc", new HttpBodyFraming(HttpBodyKind.ContentLength, 10)));

        Assert.Equal("body: body ended after 3 of 10 bytes (Content-Length)", e.Message);
    }
}
