using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Learners;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Workshops;

/// <summary>
/// At start (and every few minutes) marks the clusters of running workshops' attendees as held, so idle expiry
/// (<see cref="ClusterExpiry"/>) leaves them alone until the event ends, also after a site restart; ended events release theirs.
/// Also tells admission control which workshops are in their window (their seats are reserved) and who attends them,
/// and the warm pool how many clusters to keep ready for each (<see cref="PrewarmTarget"/>).
/// </summary>
public sealed class WorkshopClusterHolds(
    IServiceScopeFactory scopes, ClusterActivity activity, ILogger<WorkshopClusterHolds> log, ClusterAdmission? admission = null,
    WarmPool? pool = null, IOptions<WarmPoolOptions>? poolOptions = null, TimeProvider? clock = null) : BackgroundService
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromMinutes(2);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

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
        var prewarm = new Dictionary<(string Lab, string Workshop), int>();
        var now = _clock.GetUtcNow().UtcDateTime;
        foreach (var workshop in await scope.ServiceProvider.GetRequiredService<WorkshopStore>().ActiveAsync(ct))
        {
            if (poolOptions is not null && PrewarmTarget(workshop, now, poolOptions.Value) is > 0 and var ready)
            {
                prewarm[(workshop.LabIds.Split(',')[0], workshop.Id)] = ready;
            }
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
        pool?.SetWorkshopTargets(prewarm);
    }

    /// <summary>
    /// Ready clusters to keep for a workshop's first lab at <paramref name="now"/>: <see cref="WarmPoolOptions.WorkshopFraction"/>
    /// of its seats (rounded up), never more than the seats nobody has joined yet, from <see cref="WarmPoolOptions.WorkshopLead"/>
    /// before its start until <see cref="WarmPoolOptions.WorkshopKeep"/> after it; else none (the pool reaps the unclaimed).
    /// </summary>
    public static int PrewarmTarget(Data.WorkshopRow workshop, DateTime now, WarmPoolOptions options)
    {
        if (workshop.EndedAt is not null || now < workshop.StartsAt - options.WorkshopLead || now >= workshop.StartsAt + options.WorkshopKeep || now >= workshop.EndsAt)
        {
            return 0;
        }
        var seats = ReservedSeats(workshop);
        var wanted = (int)Math.Ceiling(seats * options.WorkshopFraction);
        return Math.Max(0, Math.Min(wanted, seats - workshop.Attendees.Count));
    }

    /// <summary>Seats reserved from the host's capacity: a rehearsal is the instructor alone.</summary>
    public static int ReservedSeats(Data.WorkshopRow workshop) => workshop.Rehearsal ? 1 : workshop.Seats;

    /// <summary>
    /// An attendee's cluster is held until the event ends, or until the extra time an instructor gave them; while the
    /// event clock is paused, for as long as it stays paused (resuming moves the end).
    /// </summary>
    public static DateTime HeldUntil(Data.WorkshopRow workshop, Data.AttendeeRow attendee) =>
        workshop.PausedAt is not null ? DateTime.MaxValue
        : attendee.ExtendedUntil is { } extended && extended > workshop.EndsAt ? extended : workshop.EndsAt;
}
