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

    public List<AttendeeRow> Attendees { get; set; } = [];
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
}
