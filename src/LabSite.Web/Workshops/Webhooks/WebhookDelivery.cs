namespace LabSite.Web.Workshops.Webhooks;

/// <summary>The events a workshop's webhook receives (the <c>type</c> in the body and <c>X-LabSite-Event</c>).</summary>
public static class WebhookEvents
{
    public const string Started = "event.started";
    public const string Ended = "event.ended";
    public const string AttendeeJoined = "attendee.joined";
    public const string StepCompleted = "step.completed";
}

/// <summary>One body to post to one URL, signed with one secret; <see cref="Attempt"/> counts tries so far.</summary>
public sealed record WebhookDelivery(string Id, string WorkshopId, string Type, string Url, string Secret, byte[] Body, int Attempt = 0);

/// <summary>What became of a delivery, for the console: delivered, failed (and retried or given up), or dropped.</summary>
/// <param name="Status">The endpoint's HTTP status, or 0 when it did not answer.</param>
public sealed record WebhookAttempt(string DeliveryId, string Type, DateTimeOffset At, int Attempt, int Status, bool Delivered, string Outcome);
