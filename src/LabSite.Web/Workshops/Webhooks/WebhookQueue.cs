using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Workshops.Webhooks;

/// <summary>
/// The bounded line of deliveries waiting to be sent (new ones and retries). Adding never waits: the site's requests
/// and the console go on whatever an endpoint does. When full, the oldest waiting delivery is dropped, logged and shown
/// in the console, so a dead endpoint cannot grow the site's memory.
/// </summary>
public sealed class WebhookQueue
{
    private readonly Channel<WebhookDelivery> _channel;
    private readonly WebhookLog _log;
    private readonly ILogger<WebhookQueue> _logger;
    private readonly TimeProvider _clock;

    public WebhookQueue(IOptions<WebhookOptions> options, WebhookLog log, TimeProvider clock, ILogger<WebhookQueue> logger)
    {
        (_log, _logger, _clock) = (log, logger, clock);
        var capacity = options.Value.QueueCapacity;
        _channel = Channel.CreateBounded<WebhookDelivery>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                _logger.LogWarning("Webhook queue full ({Capacity} waiting): dropped the oldest delivery {Delivery} ({Type}) for workshop {Workshop}",
                    capacity, dropped.Id, dropped.Type, dropped.WorkshopId);
                _log.Add(dropped.WorkshopId, new WebhookAttempt(dropped.Id, dropped.Type, _clock.GetUtcNow(), dropped.Attempt, 0, false,
                    $"dropped: the queue was full ({capacity} waiting)"));
            });
    }

    public ChannelReader<WebhookDelivery> Reader => _channel.Reader;

    /// <summary>Waiting now (for tests and health).</summary>
    public int Count => _channel.Reader.Count;

    public void Enqueue(WebhookDelivery delivery) => _channel.Writer.TryWrite(delivery);
}
