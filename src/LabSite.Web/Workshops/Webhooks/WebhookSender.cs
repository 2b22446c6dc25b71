using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Workshops.Webhooks;

/// <summary>
/// Posts the queued deliveries, at most <see cref="WebhookOptions.Concurrency"/> at once, each attempt bounded by
/// <see cref="WebhookOptions.Timeout"/>. A failure (no answer, a timeout, 5xx, 408, 429) is retried after an
/// exponentially growing wait, up to <see cref="WebhookOptions.MaxAttempts"/>; other 4xx answers are final (the
/// endpoint refuses the body). Retries wait on a timer and go back through the bounded queue, never holding a sender.
/// </summary>
public sealed class WebhookSender(
    WebhookQueue queue, WebhookLog log, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    // Redirects are not followed: the signature is for the URL the instructor set.
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(options.Value.Concurrency);
        try
        {
            await foreach (var delivery in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await SendAsync(delivery, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The site stops: what waits is lost (webhooks are notifications; the CSV export is the record).
        }
    }

    /// <summary>One attempt; schedules the retry when it failed and attempts remain.</summary>
    public async Task SendAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var attempt = delivery with { Attempt = delivery.Attempt + 1 };
        var (status, error) = await PostAsync(attempt, ct);
        var delivered = status is >= 200 and < 300;
        var retry = !delivered && Retryable(status) && attempt.Attempt < options.Value.MaxAttempts && !ct.IsCancellationRequested;
        var outcome = delivered ? $"delivered ({status})"
            : $"{error ?? $"HTTP {status}"}; " + (retry ? $"retrying in {Delay(attempt.Attempt):c}" : Retryable(status) ? "gave up" : "not retried (the endpoint refused it)");
        log.Add(attempt.WorkshopId, new WebhookAttempt(attempt.Id, attempt.Type, clock.GetUtcNow(), attempt.Attempt, status, delivered, outcome));
        if (!delivered)
        {
            logger.LogWarning("Webhook {Delivery} ({Type}) to {Url}, attempt {Attempt}: {Outcome}", attempt.Id, attempt.Type, attempt.Url, attempt.Attempt, outcome);
        }
        if (retry)
        {
            _ = RetryLaterAsync(attempt, ct);
        }
    }

    private async Task<(int Status, string? Error)> PostAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("LabSite-Webhook/1");
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(delivery.Secret, delivery.Body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id);
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Type);
        request.Headers.Add(WebhookSignature.TimestampHeader, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (0, $"no answer within {options.Value.Timeout:c}");
        }
        catch (HttpRequestException e)
        {
            return (0, e.HttpRequestError == HttpRequestError.ConnectionError ? "cannot connect" : e.Message);
        }
    }

    private static bool Retryable(int status) =>
        status is 0 or >= 500 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests;

    /// <summary>The wait after attempt <paramref name="attempt"/> failed: the first delay, doubled each time, capped.</summary>
    public TimeSpan Delay(int attempt)
    {
        var delay = options.Value.FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 20));
        return delay < options.Value.MaxRetryDelay ? delay : options.Value.MaxRetryDelay;
    }

    private async Task RetryLaterAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Delay(delivery.Attempt), clock, ct);
            queue.Enqueue(delivery);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
