using LabSite.Web.Workshops.Data;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Workshops;

/// <summary>What webhooks read and write in the store: the URL and secret, who an attendee is, which events are due.</summary>
public sealed partial class WorkshopStore
{
    /// <summary>Sets (or with null clears) the event's webhook URL and secret; false when there is no such workshop.</summary>
    public async Task<bool> SetWebhookAsync(string workshopId, string? url, string? secret, CancellationToken ct = default) =>
        await db.Workshops.Where(w => w.Id == workshopId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.WebhookUrl, url).SetProperty(w => w.WebhookSecret, secret), ct) == 1;

    /// <summary>The attendee a learner id belongs to, with their workshop; null for a learner who attends none.</summary>
    public async Task<(WorkshopRow Workshop, AttendeeRow Attendee)?> FindByLearnerAsync(string learnerId, CancellationToken ct = default)
    {
        var attendee = await db.Attendees.AsNoTracking().FirstOrDefaultAsync(a => a.LearnerId == learnerId, ct);
        var workshop = attendee is null ? null : await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == attendee.WorkshopId, ct);
        return workshop is null ? null : (workshop, attendee!);
    }

    /// <summary>
    /// Workshops with a webhook whose start or end passed and was not announced yet: started (not ended) ones, and ones
    /// ended by an operator or by their time (not while paused), within the last day.
    /// </summary>
    public Task<List<WorkshopRow>> WebhookDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now.AddDays(-1);
        return db.Workshops.AsNoTracking().Where(w => w.WebhookUrl != null && (
                (w.StartAnnouncedAt == null && w.StartsAt <= now && w.EndsAt > now && w.EndedAt == null)
                || (w.EndAnnouncedAt == null && ((w.EndedAt != null && w.EndedAt > since) || (w.EndedAt == null && w.PausedAt == null && w.EndsAt <= now && w.EndsAt > since)))))
            .ToListAsync(ct);
    }

    /// <summary>Records that the start (or end) was announced; false when someone else did first (another site instance).</summary>
    public async Task<bool> MarkAnnouncedAsync(string workshopId, bool started, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = db.Workshops.Where(w => w.Id == workshopId);
        return started
            ? await rows.Where(w => w.StartAnnouncedAt == null).ExecuteUpdateAsync(s => s.SetProperty(w => w.StartAnnouncedAt, now), ct) == 1
            : await rows.Where(w => w.EndAnnouncedAt == null).ExecuteUpdateAsync(s => s.SetProperty(w => w.EndAnnouncedAt, now), ct) == 1;
    }
}
