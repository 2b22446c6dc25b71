using LabSite.Web.Learners;
using LabSite.Web.Workshops.Data;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Workshops;

/// <summary>The outcome of a join: the attendee and their workshop, or an HTTP status and a message for the person joining.</summary>
public sealed record JoinResult(WorkshopRow? Workshop, AttendeeRow? Attendee, int Status, string? Error)
{
    public bool Joined => Attendee is not null;

    public static JoinResult Refused(int status, string error) => new(null, null, status, error);
}

/// <summary>Creates, finds, joins and ends workshops in the workshop store (SQLite or PostgreSQL).</summary>
public sealed partial class WorkshopStore(WorkshopDbContext db, TimeProvider clock)
{
    // A seat is taken by inserting (workshop, seat) under a unique index; losing a race to another joiner retries.
    private const int SeatAttempts = 8;

    public async Task<WorkshopRow> CreateAsync(WorkshopSpec spec, Func<string, bool> labExists, CancellationToken ct = default)
    {
        var errors = spec.Validate(labExists);
        if (errors.Count > 0)
        {
            throw new ArgumentException("cannot create the workshop: " + string.Join("; ", errors));
        }
        for (var attempt = 0; ; attempt++)
        {
            var row = new WorkshopRow
            {
                Id = Guid.NewGuid().ToString("N"),
                Title = spec.Title.Trim(),
                LabIds = string.Join(',', spec.LabIds),
                StartsAt = spec.StartsAt,
                EndsAt = spec.EndsAt,
                Seats = spec.Seats,
                Backend = spec.Backend,
                JoinCode = JoinCode.New(),
                AllowedEmails = spec.AllowedEmails is { Count: > 0 } emails ? string.Join('\n', emails.Select(e => e.Trim().ToLowerInvariant())) : null,
                Rehearsal = spec.Rehearsal,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.Workshops.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // The join code is taken by another workshop (unique index): draw another.
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    public Task<List<WorkshopRow>> ListAsync(CancellationToken ct = default) =>
        db.Workshops.AsNoTracking().OrderBy(w => w.StartsAt).ToListAsync(ct);

    public Task<WorkshopRow?> FindAsync(string id, CancellationToken ct = default) =>
        db.Workshops.AsNoTracking().Include(w => w.Attendees).FirstOrDefaultAsync(w => w.Id == id, ct);

    public Task<WorkshopRow?> FindByCodeAsync(string code, CancellationToken ct = default) =>
        db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.JoinCode == code, ct);

    public Task<AttendeeRow?> FindAttendeeAsync(string workshopId, string attendeeId, CancellationToken ct = default) =>
        db.Attendees.AsNoTracking().FirstOrDefaultAsync(a => a.WorkshopId == workshopId && a.Id == attendeeId, ct);

    /// <summary>Workshops running now (not ended, within start..end, paused, or an attendee's extra time): their attendees' clusters are never reaped as idle.</summary>
    public async Task<List<WorkshopRow>> ActiveAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Workshops.AsNoTracking().Include(w => w.Attendees)
            .Where(w => w.EndedAt == null && (w.EndsAt > now || w.PausedAt != null || w.Attendees.Any(a => a.ExtendedUntil > now))).ToListAsync(ct);
    }

    /// <summary>
    /// Joins <paramref name="typedCode"/>'s workshop as <paramref name="displayName"/>. <paramref name="current"/> is the
    /// attendee this browser already is (from its signed cookie): joining again returns them, without a second seat.
    /// </summary>
    public async Task<JoinResult> JoinAsync(string? typedCode, string? displayName, string? email, AttendeeTicket? current, CancellationToken ct = default)
    {
        if (JoinCode.Normalize(typedCode, out var codeError) is not { } code)
        {
            return JoinResult.Refused(StatusCodes.Status400BadRequest, "join code: " + codeError);
        }
        var workshop = await FindByCodeAsync(code, ct);
        if (workshop is null)
        {
            return JoinResult.Refused(StatusCodes.Status404NotFound, $"join code: no workshop has the code {code}; check it with your instructor");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (workshop.EndedAt is not null || now >= workshop.EndsAt)
        {
            return JoinResult.Refused(StatusCodes.Status410Gone, $"join code: the workshop \"{workshop.Title}\" has ended");
        }
        if (current is { } ticket && ticket.WorkshopId == workshop.Id && await FindAttendeeAsync(workshop.Id, ticket.AttendeeId, ct) is { } already)
        {
            return new JoinResult(workshop, already, StatusCodes.Status200OK, null);
        }
        var name = (displayName ?? "").Trim();
        if (name.Length is 0 || name.Length > WorkshopLimits.DisplayNameLength || name.Any(char.IsControl))
        {
            return JoinResult.Refused(StatusCodes.Status400BadRequest, $"display name: must be 1 to {WorkshopLimits.DisplayNameLength} printable characters");
        }
        var normalizedEmail = string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();
        if (normalizedEmail is not null && !WorkshopSpec.IsEmail(normalizedEmail))
        {
            return JoinResult.Refused(StatusCodes.Status400BadRequest, "email: not an email address");
        }
        if (workshop.AllowedEmails is { } allowed && (normalizedEmail is null || !allowed.Split('\n').Contains(normalizedEmail, StringComparer.Ordinal)))
        {
            return JoinResult.Refused(StatusCodes.Status403Forbidden, "email: this workshop is open to invited emails only; use the address your invitation went to");
        }
        return await TakeSeatAsync(workshop, name, normalizedEmail, ct);
    }

    private async Task<JoinResult> TakeSeatAsync(WorkshopRow workshop, string name, string? email, CancellationToken ct)
    {
        for (var attempt = 0; attempt < SeatAttempts; attempt++)
        {
            var taken = await db.Attendees.Where(a => a.WorkshopId == workshop.Id).Select(a => a.Seat).ToListAsync(ct);
            var seat = Enumerable.Range(1, workshop.Seats).Except(taken).FirstOrDefault();
            if (seat == 0)
            {
                return JoinResult.Refused(StatusCodes.Status409Conflict, $"the workshop \"{workshop.Title}\" is full ({workshop.Seats} seats); ask your instructor");
            }
            var attendee = new AttendeeRow
            {
                Id = Guid.NewGuid().ToString("N"),
                WorkshopId = workshop.Id,
                Seat = seat,
                DisplayName = name,
                Email = email,
                LearnerId = LearnerId.New().ToString(),
                JoinedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.Attendees.Add(attendee);
            try
            {
                await db.SaveChangesAsync(ct);
                return new JoinResult(workshop, attendee, StatusCodes.Status201Created, null);
            }
            catch (DbUpdateException)
            {
                // Someone else took that seat between our read and our insert: read the seats again.
                db.Entry(attendee).State = EntityState.Detached;
            }
        }
        return JoinResult.Refused(StatusCodes.Status503ServiceUnavailable, "too many people are joining at once; try again in a moment");
    }

    /// <summary>Ends a workshop now: no more joins, and its attendees' clusters become ordinary (idle-reaped) again.</summary>
    public async Task<bool> EndAsync(string id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Workshops.Where(w => w.Id == id && w.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.EndedAt, now), ct) == 1;
    }
}
