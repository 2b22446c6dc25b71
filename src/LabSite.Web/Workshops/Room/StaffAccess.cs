using System.Security.Claims;
using LabSite.Web.Workshops.Data;

namespace LabSite.Web.Workshops.Room;

/// <summary>
/// Who may run a workshop's console: a signed-in admin runs every workshop's; an instructor or assistant only the ones
/// they are staff of (<see cref="WorkshopStaffRow"/>). Anyone else, attendees included, gets nothing.
/// </summary>
public static class StaffAccess
{
    /// <summary>The workshop (with its attendees) when <paramref name="user"/> may run it; null otherwise, also when it does not exist.</summary>
    public static async Task<WorkshopRow?> WorkshopAsync(ClaimsPrincipal user, WorkshopStore store, string workshopId, CancellationToken ct = default)
    {
        if (user.Identity?.IsAuthenticated != true || !InstructorAccounts.Roles.Any(user.IsInRole)
            || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId || workshopId.Length > 64)
        {
            return null;
        }
        var workshop = await store.FindAsync(workshopId, ct);
        return workshop is not null && (user.IsInRole(InstructorAccounts.Admin) || await store.IsStaffAsync(workshopId, userId, ct)) ? workshop : null;
    }

    /// <summary>The name the room sees for a staff member (their email, which is their user name).</summary>
    public static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "an instructor";
}
