using System.ComponentModel.DataAnnotations;

namespace LabSite.Web.Workshops.Webhooks;

/// <summary>How workshop webhooks are delivered, bound from the <c>WebhookOptions</c> section. Checked at start.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    /// <summary>Deliveries waiting at most (new and retries); when full, the oldest is dropped with a log line.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Attempts per delivery, the first included.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the first retry; each next one waits twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An endpoint that has not answered within this long counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight at once: a slow endpoint holds at most this many.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How often the event clock is read for "event started" and "event ended".</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(QueueCapacity), QueueCapacity), (nameof(MaxAttempts), MaxAttempts), (nameof(Concurrency), Concurrency) })
        {
            if (value < 1)
            {
                yield return new ValidationResult($"{nameof(WebhookOptions)}:{name} must be at least 1; got {value}", [name]);
            }
        }
        foreach (var (name, value) in new[] { (nameof(FirstRetryDelay), FirstRetryDelay), (nameof(MaxRetryDelay), MaxRetryDelay), (nameof(Timeout), Timeout), (nameof(ScanInterval), ScanInterval) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{nameof(WebhookOptions)}:{name} must be positive; got {value:c}", [name]);
            }
        }
    }
}
