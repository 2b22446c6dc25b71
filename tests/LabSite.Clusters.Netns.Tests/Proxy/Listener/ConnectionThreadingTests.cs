using System.Text;
using System.Text.RegularExpressions;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.ProxyHarness;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

/// <summary>
/// The two ways a client connection runs: on a thread of its own with blocking sockets (the default, up to
/// <c>MaxDedicatedThreads</c>) or on the thread pool with async sockets (0, or beyond the budget). Framing, denials and
/// every deadline must behave the same on both; the other proxy tests run on the default (dedicated) path.
/// </summary>
public sealed class ConnectionThreadingTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string Host = $"Host: {DeathstarHost}\r\n";

    private static string[] StatusLines(string raw) =>
        [.. Regex.Matches(raw, @"HTTP/1\.1 \d{3} [^\r]*").Select(m => m.Value)];

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public async Task PipelinedRequestsWithADenialAndAChunkedBodyAreServedInOrder(int dedicated)
    {
        await using var h = Start(fixture.Upstream.EndPoint, o => o with { MaxDedicatedThreads = dedicated });
        h.Allow([HttpRule.Create(method: "GET|POST")]);

        var raw = await h.RawAsync(
            $"GET /first HTTP/1.1\r\n{Host}\r\n" +
            $"PUT /second HTTP/1.1\r\n{Host}Content-Length: 5\r\n\r\nhello" +
            $"POST /third HTTP/1.1\r\n{Host}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.Equal(["HTTP/1.1 200 OK", "HTTP/1.1 403 Forbidden", "HTTP/1.1 200 OK"], StatusLines(raw));
        Assert.Contains("body=hello", raw);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public async Task ClientStallingInsideItsHeadGets408(int dedicated)
    {
        await using var h = Start(fixture.Upstream.EndPoint, o => o with { MaxDedicatedThreads = dedicated, RequestHeadTimeout = TimeSpan.FromMilliseconds(300) });
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}X-Half: ", halfClose: false);

        Assert.StartsWith("HTTP/1.1 408 Request Timeout", raw);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public async Task SilentUpstreamGets504AndTheConnectionEnds(int dedicated)
    {
        await using var silent = new RawUpstream(async (s, ct) =>
        {
            await RawUpstream.ReadHeadAsync(s, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var h = Start(silent.EndPoint, o => o with { MaxDedicatedThreads = dedicated, UpstreamResponseTimeout = TimeSpan.FromMilliseconds(300) });
        h.Allow([HttpRule.Any]);

        var raw = await h.RawAsync($"GET /x HTTP/1.1\r\n{Host}\r\n", halfClose: false);

        Assert.StartsWith("HTTP/1.1 504 Gateway Timeout", raw);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public async Task IdleKeepAliveConnectionIsClosedQuietly(int dedicated)
    {
        await using var h = Start(fixture.Upstream.EndPoint, o => o with { MaxDedicatedThreads = dedicated, IdleTimeout = TimeSpan.FromMilliseconds(300) });

        var raw = await h.RawAsync("", halfClose: false);

        Assert.Equal("", raw);
    }

    [Fact]
    public async Task ConnectionsBeyondTheListenersBudgetRunOnThePool()
    {
        await using var h = Start(fixture.Upstream.EndPoint, o => o with { MaxDedicatedThreads = 1 });
        h.Allow([HttpRule.Any]);

        using var first = await h.ConnectAsync();
        using var second = await h.ConnectAsync(Xwing);
        foreach (var s in new[] { first, second, first, second })
        {
            await s.SendAsync(Encoding.ASCII.GetBytes($"GET /n HTTP/1.1\r\n{Host}\r\n"));
            Assert.StartsWith("HTTP/1.1 200 OK", await ReadOneResponseAsync(s));
        }

        Assert.Equal(2, h.Proxy.ActiveConnections);
        Assert.Equal(1, h.Proxy.DedicatedConnections);
    }

    [Fact]
    public async Task StoppingTheProxyEndsBlockedConnections()
    {
        var h = Start(fixture.Upstream.EndPoint);
        using var idle = await h.ConnectAsync();
        await WaitUntilAsync(() => h.Proxy.DedicatedConnections == 1);

        var stop = h.DisposeAsync().AsTask();

        Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal(0, h.Proxy.DedicatedConnections);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }

    private static async Task<string> ReadOneResponseAsync(System.Net.Sockets.Socket s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var sb = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var n = await s.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, cts.Token);
            Assert.NotEqual(0, n);
            sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
            var text = sb.ToString();
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd < 0)
            {
                continue;
            }

            var length = Regex.Match(text, @"Content-Length: (\d+)", RegexOptions.IgnoreCase);
            if (length.Success && text.Length - headEnd - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            {
                return text;
            }
        }
    }
}
