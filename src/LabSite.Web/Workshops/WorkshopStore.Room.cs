using LabSite.Web.Workshops.Data;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Workshops;

/// <summary>What the live console changes in the store: staff, pacing, the broadcast, extra time, hands, resets.</summary>
public sealed partial class WorkshopStore
{
    /// <summary>Makes the account with <paramref name="email"/> staff of the workshop; false when no such account exists.</summary>
    public async Task<bool> AddStaffAsync(string workshopId, string email, CancellationToken ct = default)
    {
        var normalized = email.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null || !await db.Workshops.AnyAsync(w => w.Id == workshopId, ct))
        {
            return false;
        }
        if (!await db.Staff.AnyAsync(s => s.WorkshopId == workshopId && s.UserId == user.Id, ct))
        {
            db.Staff.Add(new WorkshopStaffRow { WorkshopId = workshopId, UserId = user.Id });
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    public Task<bool> AccountExistsAsync(string email, CancellationToken ct = default)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct);
    }

    public Task<bool> IsStaffAsync(string workshopId, string userId, CancellationToken ct = default) =>
        db.Staff.AnyAsync(s => s.WorkshopId == workshopId && s.UserId == userId, ct);

    /// <summary>The workshops <paramref name="userId"/> is staff of, or every workshop for an admin; newest first.</summary>
    public Task<List<WorkshopRow>> ForStaffAsync(string userId, bool admin, CancellationToken ct = default) =>
        db.Workshops.AsNoTracking()
            .Where(w => admin || db.Staff.Any(s => s.WorkshopId == w.Id && s.UserId == userId))
            .OrderByDescending(w => w.StartsAt).ToListAsync(ct);

    public Task SetPaceAsync(string workshopId, string? labId, string? stepId, CancellationToken ct = default) =>
        db.Workshops.Where(w => w.Id == workshopId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.PaceLabId, labId).SetProperty(w => w.PaceStepId, stepId), ct);

    public Task SetBroadcastAsync(string workshopId, string? text, CancellationToken ct = default)
    {
        DateTime? at = text is null ? null : clock.GetUtcNow().UtcDateTime;
        return db.Workshops.Where(w => w.Id == workshopId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Broadcast, text).SetProperty(w => w.BroadcastAt, at), ct);
    }

    /// <summary>Moves the whole workshop's end later by <paramref name="by"/>; returns the new end.</summary>
    public async Task<DateTime?> ExtendAsync(string workshopId, TimeSpan by, CancellationToken ct = default)
    {
        await db.Workshops.Where(w => w.Id == workshopId && w.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.EndsAt, w => w.EndsAt + by), ct);
        return await db.Workshops.Where(w => w.Id == workshopId).Select(w => (DateTime?)w.EndsAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>Pauses the event clock now; false when it is already paused, ended, or there is no such workshop.</summary>
    public async Task<bool> PauseAsync(string workshopId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Workshops.Where(w => w.Id == workshopId && w.EndedAt == null && w.PausedAt == null && w.EndsAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.PausedAt, now), ct) == 1;
    }

    /// <summary>
    /// Restarts a paused clock: the paused time does not count, so the end (and every attendee's extra time) moves later
    /// by it. Returns the new end, or null when the clock was not paused.
    /// </summary>
    public async Task<DateTime?> ResumeAsync(string workshopId, CancellationToken ct = default)
    {
        // Read and written past the change tracker: this context may hold the row from before the pause.
        var row = await db.Workshops.AsNoTracking().Where(w => w.Id == workshopId && w.EndedAt == null)
            .Select(w => new { w.PausedAt, w.EndsAt }).FirstOrDefaultAsync(ct);
        if (row?.PausedAt is not { } since)
        {
            return null;
        }
        var pause = clock.GetUtcNow().UtcDateTime - since;
        pause = pause > TimeSpan.Zero ? pause : TimeSpan.Zero;
        var ends = row.EndsAt + pause;
        // Only the resume that clears this pause moves the times (two consoles pressing Resume together move them once).
        if (await db.Workshops.Where(w => w.Id == workshopId && w.PausedAt == since)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.EndsAt, ends).SetProperty(w => w.PausedAt, (DateTime?)null), ct) == 0)
        {
            return null;
        }
        foreach (var (id, until) in await db.Attendees.AsNoTracking().Where(a => a.WorkshopId == workshopId && a.ExtendedUntil != null)
                     .Select(a => new ValueTuple<string, DateTime?>(a.Id, a.ExtendedUntil)).ToListAsync(ct))
        {
            await db.Attendees.Where(a => a.WorkshopId == workshopId && a.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExtendedUntil, until + pause), ct);
        }
        return ends;
    }

    /// <summary>Gives one attendee <paramref name="by"/> more than the later of the event's end and their earlier extension.</summary>
    public async Task<DateTime?> ExtendAttendeeAsync(string workshopId, string attendeeId, TimeSpan by, CancellationToken ct = default)
    {
        var row = await db.Attendees.FirstOrDefaultAsync(a => a.WorkshopId == workshopId && a.Id == attendeeId, ct);
        var ends = await db.Workshops.Where(w => w.Id == workshopId).Select(w => (DateTime?)w.EndsAt).FirstOrDefaultAsync(ct);
        if (row is null || ends is null)
        {
            return null;
        }
        var from = row.ExtendedUntil is { } earlier && earlier > ends.Value ? earlier : ends.Value;
        row.ExtendedUntil = from + by;
        await db.SaveChangesAsync(ct);
        return row.ExtendedUntil;
    }

    /// <summary>Raises or lowers an attendee's hand; raising counts once per raise (for the export).</summary>
    public Task SetHandAsync(string workshopId, string attendeeId, bool raised, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var query = db.Attendees.Where(a => a.WorkshopId == workshopId && a.Id == attendeeId);
        return raised
            ? query.Where(a => a.HandRaisedAt == null).ExecuteUpdateAsync(s => s.SetProperty(a => a.HandRaisedAt, now).SetProperty(a => a.HandsRaised, a => a.HandsRaised + 1), ct)
            : query.ExecuteUpdateAsync(s => s.SetProperty(a => a.HandRaisedAt, (DateTime?)null), ct);
    }

    public Task CountResetAsync(string workshopId, string attendeeId, CancellationToken ct = default) =>
        db.Attendees.Where(a => a.WorkshopId == workshopId && a.Id == attendeeId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Resets, a => a.Resets + 1), ct);
}
