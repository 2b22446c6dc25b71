using LabSite.Web.Clusters;
using LabSite.Web.Learners;

namespace LabSite.Web.Workshops;

/// <summary>
/// At start (and every few minutes) marks the clusters of running workshops' attendees as held, so idle expiry
/// (<see cref="ClusterExpiry"/>) leaves them alone until the event ends, also after a site restart; ended events release theirs.
/// </summary>
public sealed class WorkshopClusterHolds(IServiceScopeFactory scopes, ClusterActivity activity, ILogger<WorkshopClusterHolds> log) : BackgroundService
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
        foreach (var workshop in await scope.ServiceProvider.GetRequiredService<WorkshopStore>().ActiveAsync(ct))
        {
            foreach (var attendee in workshop.Attendees)
            {
                if (LearnerId.TryParse(attendee.LearnerId, out var learner))
                {
                    holds[learner] = DateTime.SpecifyKind(workshop.EndsAt, DateTimeKind.Utc);
                }
            }
        }
        activity.SetHolds(holds);
    }
}
