using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LabSite.Web.Workshops.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Workshops.Webhooks;

/// <summary>
/// Deliveries against a real local HTTP listener: down, then 500, then slow, then up; each failure retried with
/// growing waits until delivered; the signature verifies; a slow endpoint holds up no other workshop; a full queue drops
/// the oldest with a log line; a refusing endpoint (4xx) is not retried.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncDisposable
{
    private const string Secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private readonly ConcurrentQueue<(string Path, byte[] Body, Dictionary<string, string> Headers)> _received = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly List<WebApplication> _servers = [];
    private readonly RecordingLogger<WebhookQueue> _queueLog = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private static WebhookOptions Fast(int capacity = 100) => new()
    {
        // Enough attempts for a loaded machine to start the receiver before they run out.
        QueueCapacity = capacity, MaxAttempts = 60, FirstRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromSeconds(3), Concurrency = 2,
    };

    private (WebhookQueue Queue, WebhookSender Sender, WebhookLog Log) Pipeline(WebhookOptions options)
    {
        var log = new WebhookLog();
        var queue = new WebhookQueue(Options.Create(options), log, TimeProvider.System, _queueLog);
        return (queue, new WebhookSender(queue, log, Options.Create(options), TimeProvider.System, NullLogger<WebhookSender>.Instance), log);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>A receiver whose n-th request to a path gets <paramref name="answer"/>(n).</summary>
    private async Task StartServerAsync(int port, Func<string, int, Task<int>> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var path = context.Request.Path.Value!;
            var n = _requests.AddOrUpdate(path, 1, (_, c) => c + 1);
            var status = await answer(path, n);
            if (status == 200)
            {
                // Copied: Kestrel reuses the request's header collection after the response.
                _received.Enqueue((path, body.ToArray(), context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            }
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        _servers.Add(app);
    }

    private static WebhookDelivery Delivery(string url, string workshop = "w1", string type = WebhookEvents.AttendeeJoined) =>
        new(Guid.NewGuid().ToString(), workshop, type, url, Secret, JsonSerializer.SerializeToUtf8Bytes(new { type, workshop }));

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, bound.Token);
        }
    }

    [Fact]
    public async Task A_down_then_failing_then_slow_endpoint_gets_the_delivery_in_the_end_signed()
    {
        var (queue, sender, log) = Pipeline(Fast());
        var port = FreePort();
        var delivery = Delivery($"http://127.0.0.1:{port}/hook");
        await sender.StartAsync(default);
        queue.Enqueue(delivery); // returns at once: nothing listens yet

        await UntilAsync(() => log.Recent("w1").Count >= 2);
        Assert.All(log.Recent("w1"), a => Assert.StartsWith("cannot connect; retrying in", a.Outcome));

        // Up, but the first answer is a 500 and the second takes longer than the timeout.
        await StartServerAsync(port, async (_, n) =>
        {
            if (n == 2)
            {
                await Task.Delay(TimeSpan.FromSeconds(8));
            }
            return n == 1 ? 500 : 200;
        });
        // The sender's own record, not the listener's: the listener holds the body before the sender has read the 200.
        await UntilAsync(() => log.Recent("w1").Any(a => a.Delivered));
        await sender.StopAsync(default);

        var attempts = log.Recent("w1").Reverse().ToList();
        Assert.Contains(attempts, a => a.Status == 500 && a.Outcome.StartsWith("HTTP 500; retrying in", StringComparison.Ordinal));
        Assert.Contains(attempts, a => a.Outcome.StartsWith("no answer within 00:00:03; retrying in", StringComparison.Ordinal));
        var last = attempts[^1];
        Assert.True(last.Delivered);
        Assert.Equal("delivered (200)", last.Outcome);
        Assert.Equal(Enumerable.Range(attempts[0].Attempt, attempts.Count), attempts.Select(a => a.Attempt)); // one delivery, tried again and again

        var (_, body, headers) = Assert.Single(_received);
        Assert.Equal(delivery.Body, body);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
        Assert.Equal(expected, headers[WebhookSignature.Header]);
        Assert.True(WebhookSignature.Verify(Secret, body, headers[WebhookSignature.Header]));
        Assert.False(WebhookSignature.Verify("another secret", body, headers[WebhookSignature.Header]));
        Assert.Equal(delivery.Id, headers[WebhookSignature.DeliveryHeader]);
        Assert.Equal(WebhookEvents.AttendeeJoined, headers[WebhookSignature.EventHeader]);
        Assert.True(long.TryParse(headers[WebhookSignature.TimestampHeader], out _));
        Assert.Equal("application/json; charset=utf-8", headers["Content-Type"]);
    }

    [Fact]
    public async Task A_slow_endpoint_does_not_hold_up_another_workshop_s_deliveries()
    {
        var (queue, sender, log) = Pipeline(Fast());
        var port = FreePort();
        using var release = new SemaphoreSlim(0);
        await StartServerAsync(port, async (path, _) =>
        {
            if (path == "/slow")
            {
                await release.WaitAsync(TimeSpan.FromSeconds(30));
            }
            return 200;
        });
        await sender.StartAsync(default);

        queue.Enqueue(Delivery($"http://127.0.0.1:{port}/slow", workshop: "slow"));
        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(Delivery($"http://127.0.0.1:{port}/fast", workshop: "fast"));
        }

        await UntilAsync(() => _received.Count(r => r.Path == "/fast") == 5);
        Assert.DoesNotContain(_received, r => r.Path == "/slow");
        release.Release(100);
        await UntilAsync(() => log.Recent("slow").Count > 0 && log.Recent("fast").Count(a => a.Delivered) == 5);
        await sender.StopAsync(default);
        Assert.All(log.Recent("fast"), a => Assert.True(a.Delivered));
    }

    [Fact]
    public async Task A_refusing_endpoint_is_not_retried()
    {
        var (queue, sender, log) = Pipeline(Fast());
        var port = FreePort();
        await StartServerAsync(port, (_, _) => Task.FromResult(403));
        await sender.StartAsync(default);

        queue.Enqueue(Delivery($"http://127.0.0.1:{port}/hook"));
        await UntilAsync(() => log.Recent("w1").Count > 0);
        await sender.StopAsync(default);

        var attempt = Assert.Single(log.Recent("w1"));
        Assert.Equal("HTTP 403; not retried (the endpoint refused it)", attempt.Outcome);
        Assert.Equal(1, _requests["/hook"]);
    }

    [Fact]
    public void A_full_queue_drops_the_oldest_delivery_with_a_log_line()
    {
        var (queue, _, log) = Pipeline(Fast(capacity: 2));
        var deliveries = Enumerable.Range(0, 3).Select(_ => Delivery("http://127.0.0.1:9/hook")).ToList();

        foreach (var d in deliveries)
        {
            queue.Enqueue(d);
        }

        Assert.Equal(2, queue.Count);
        var dropped = Assert.Single(log.Recent("w1"));
        Assert.Equal(deliveries[0].Id, dropped.DeliveryId);
        Assert.Equal("dropped: the queue was full (2 waiting)", dropped.Outcome);
        var line = Assert.Single(_queueLog.Lines);
        Assert.Equal($"Webhook queue full (2 waiting): dropped the oldest delivery {deliveries[0].Id} (attendee.joined) for workshop w1", line);
    }

    [Fact]
    public void Retries_wait_twice_as_long_each_time_up_to_the_cap()
    {
        var (_, sender, _) = Pipeline(new WebhookOptions { FirstRetryDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromSeconds(30) });
        Assert.Equal([2, 4, 8, 16, 30, 30], Enumerable.Range(1, 6).Select(n => sender.Delay(n).TotalSeconds));
    }

    [Theory]
    [InlineData("ftp://example.org/hook", "url: \"ftp://example.org/hook\" is not an absolute http:// or https:// URL")]
    [InlineData("/relative", "url: \"/relative\" is not an absolute http:// or https:// URL")]
    [InlineData("https://user:pw@example.org/hook", "url: must not carry a user name or password (the signature authenticates the site)")]
    [InlineData("https://example.org/hook", null)]
    public void Webhook_urls_are_checked(string url, string? error) => Assert.Equal(error, WebhookSignature.CheckUrl(url));

    /// <summary>Keeps the formatted log lines.</summary>
    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }
}
