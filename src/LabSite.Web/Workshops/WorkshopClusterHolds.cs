using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;

namespace LabSite.Web.Workshops;

/// <summary>
/// At start (and every few minutes) marks the clusters of running workshops' attendees as held, so idle expiry
/// (<see cref="ClusterExpiry"/>) leaves them alone until the event ends, also after a site restart; ended events release theirs.
/// Also tells admission control which workshops are in their window (their seats are reserved) and who attends them.
/// </summary>
public sealed class WorkshopClusterHolds(
    IServiceScopeFactory scopes, ClusterActivity activity, ILogger<WorkshopClusterHolds> log, ClusterAdmission? admission = null) : BackgroundService
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                await Task.Delay(s_refresh, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Reading running workshops failed; trying again in {Interval}", s_refresh);
                await Task.Delay(s_refresh, stoppingToken);
            }
        }
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var holds = new Dictionary<LearnerId, DateTimeOffset>();
        var seats = new Dictionary<string, int>(StringComparer.Ordinal);
        var attendees = new Dictionary<LearnerId, string>();
        foreach (var workshop in await scope.ServiceProvider.GetRequiredService<WorkshopStore>().ActiveAsync(ct))
        {
            var window = admission?.InWorkshopWindow(
                new DateTimeOffset(DateTime.SpecifyKind(workshop.StartsAt, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(workshop.EndsAt, DateTimeKind.Utc))) == true;
            if (window)
            {
                seats[workshop.Id] = ReservedSeats(workshop);
            }
            foreach (var attendee in workshop.Attendees)
            {
                if (LearnerId.TryParse(attendee.LearnerId, out var learner))
                {
                    holds[learner] = DateTime.SpecifyKind(HeldUntil(workshop, attendee), DateTimeKind.Utc);
                    if (window)
                    {
                        attendees[learner] = workshop.Id;
                    }
                }
            }
        }
        activity.SetHolds(holds);
        admission?.SetWorkshops(seats, attendees);
    }

    /// <summary>Seats reserved from the host's capacity: a rehearsal is the instructor alone.</summary>
    public static int ReservedSeats(Data.WorkshopRow workshop) => workshop.Rehearsal ? 1 : workshop.Seats;

    /// <summary>An attendee's cluster is held until the event ends, or until the extra time an instructor gave them.</summary>
    public static DateTime HeldUntil(Data.WorkshopRow workshop, Data.AttendeeRow attendee) =>
        attendee.ExtendedUntil is { } extended && extended > workshop.EndsAt ? extended : workshop.EndsAt;
}
