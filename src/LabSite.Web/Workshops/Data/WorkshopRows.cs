using Microsoft.AspNetCore.Identity;

namespace LabSite.Web.Workshops.Data;

/// <summary>An instructor account (admin, instructor or assistant). Learners never have one.</summary>
public sealed class InstructorUser : IdentityUser
{
    public DateTime CreatedAt { get; set; }
}

/// <summary>An operator-issued invite: whoever holds the token may create one account with <see cref="Role"/>, once.</summary>
public sealed class InstructorInviteRow
{
    /// <summary>SHA-256 of the token (hex); the token itself is shown once and never stored.</summary>
    public required string TokenHash { get; set; }

    public required string Role { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RedeemedAt { get; set; }
}

/// <summary>One workshop event. Times are UTC.</summary>
public sealed class WorkshopRow
{
    public required string Id { get; set; }

    public required string Title { get; set; }

    /// <summary>The labs in order, comma-separated ids; attendees land in the first.</summary>
    public required string LabIds { get; set; }

    public DateTime StartsAt { get; set; }

    public DateTime EndsAt { get; set; }

    public int Seats { get; set; }

    public required string Backend { get; set; }

    public required string JoinCode { get; set; }

    /// <summary>Lower-cased emails, one a line; null lets anyone with the code join.</summary>
    public string? AllowedEmails { get; set; }

    /// <summary>Rehearsal: the event is open before its start, for the instructor alone (one seat), and is not exported.</summary>
    public bool Rehearsal { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>Pacing: while set, attendees cannot go past this step of <see cref="PaceLabId"/> (nor into later labs).</summary>
    public string? PaceLabId { get; set; }

    public string? PaceStepId { get; set; }

    /// <summary>The instructor's message to the room, shown as a banner in every attendee's player; null for none.</summary>
    public string? Broadcast { get; set; }

    public DateTime? BroadcastAt { get; set; }

    /// <summary>The event clock is paused since then (null: running); resuming moves <see cref="EndsAt"/> by the pause.</summary>
    public DateTime? PausedAt { get; set; }

    /// <summary>Where the event's webhooks are posted (https or http); null for none.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The per-event HMAC-SHA256 key the webhook bodies are signed with (kept to sign; shown once when set).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>When the "event started" webhook was queued, so it is sent once (also across restarts).</summary>
    public DateTime? StartAnnouncedAt { get; set; }

    /// <summary>When the "event ended" webhook was queued.</summary>
    public DateTime? EndAnnouncedAt { get; set; }

    public List<AttendeeRow> Attendees { get; set; } = [];

    public List<WorkshopStaffRow> Staff { get; set; } = [];
}

/// <summary>An instructor or assistant who runs a workshop's console (admins run every workshop's).</summary>
public sealed class WorkshopStaffRow
{
    public required string WorkshopId { get; set; }

    /// <summary>The <see cref="InstructorUser"/>'s Identity id.</summary>
    public required string UserId { get; set; }
}

/// <summary>Someone who joined a workshop with its code: no account, a seat and a learner id of their own.</summary>
public sealed class AttendeeRow
{
    public required string Id { get; set; }

    public required string WorkshopId { get; set; }

    /// <summary>1..Seats, unique per workshop: the unique index is what makes taking a seat atomic.</summary>
    public int Seat { get; set; }

    public required string DisplayName { get; set; }

    public string? Email { get; set; }

    /// <summary>The attendee's learner id (cookie form): their progress and their lab clusters are keyed by it.</summary>
    public required string LearnerId { get; set; }

    public DateTime JoinedAt { get; set; }

    public DateTime? LeftAt { get; set; }

    public int Resets { get; set; }

    /// <summary>When the attendee raised their hand (null: not raised); the console lists raised hands oldest first.</summary>
    public DateTime? HandRaisedAt { get; set; }

    public int HandsRaised { get; set; }

    /// <summary>Extra time for this attendee: their cluster is held until then even after the event ends.</summary>
    public DateTime? ExtendedUntil { get; set; }
}
