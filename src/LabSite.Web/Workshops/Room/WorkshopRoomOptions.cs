using System.ComponentModel.DataAnnotations;

namespace LabSite.Web.Workshops.Room;

/// <summary>How the live console grades the room (section <c>WorkshopRoomOptions</c>).</summary>
public sealed class WorkshopRoomOptions
{
    /// <summary>How often a watched room's checks run again: one schedule per room, however many consoles watch it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks evaluated at once, across all rooms: the grader's load on the agent stays bounded in a big room.</summary>
    [Range(1, 64)]
    public int MaxParallelChecks { get; set; } = 4;

    /// <summary>An attendee on the same step this long with checks still failing is flagged "stuck".</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(10);
}
