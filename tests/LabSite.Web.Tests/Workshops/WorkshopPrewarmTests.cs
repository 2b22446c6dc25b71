using LabSite.Agent.Server;
using LabSite.Testing;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Workshops;

/// <summary>
/// Workshops pre-warm their first lab from the stored events: 70 % of the seats from an hour before the start, within
/// the seats reserved by admission, refilled as attendees claim them, the unclaimed reaped 30 minutes after the start;
/// attendees' clusters are never reaped, as idle or by the pool.
/// </summary>
public sealed class WorkshopPrewarmTests
{
    [Theory]
    [MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task A_workshop_pre_warms_seventy_percent_of_its_seats_and_reaps_the_unclaimed_after_the_start(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var start = clock.GetUtcNow().UtcDateTime.AddMinutes(90);
        string code;
        await using (var scope = db.Scope())
        {
            code = (await scope.ServiceProvider.GetRequiredService<WorkshopStore>()
                .CreateAsync(new WorkshopSpec("Cilium 101", ["starwars", "tetragon"], start, start.AddHours(3), 10), _ => true)).JoinCode;
        }
        var backend = new InMemoryClusterBackend();
        var activity = new ClusterActivity(clock);
        var admission = new ClusterAdmission(
            Options.Create(new AdmissionOptions { MemoryBudgetMiB = 200, MiBPerCluster = 10, WorkshopLead = TimeSpan.FromMinutes(60) }), new LearnerClients(clock), clock);
        var poolOptions = Options.Create(new WarmPoolOptions());
        var pool = new WarmPool(backend, poolOptions, clock, NullLogger<WarmPool>.Instance, admission, activity: activity);
        var holds = new WorkshopClusterHolds(db.Services.GetRequiredService<IServiceScopeFactory>(), activity, NullLogger<WorkshopClusterHolds>.Instance,
            admission, pool, poolOptions, clock);
        async Task<int> RefreshAsync()
        {
            await holds.RefreshAsync(default);
            await pool.FillAsync(default);
            return pool.Read("starwars").Ready;
        }

        Assert.Equal(0, await RefreshAsync()); // T-90 min: too early
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(7, await RefreshAsync()); // T-59 min: 70 % of 10 seats
        Assert.Equal(0, pool.Read("tetragon").Ready); // only the first lab

        // Three people join and start: each gets a warm cluster, the pool refills, but never past the seats left.
        var locator = new AgentClusterLocator(new BackendRouter([backend]), activity, admission: admission, pool: pool);
        var attendees = new List<LearnerId>();
        for (var i = 0; i < 3; i++)
        {
            await using var scope = db.Scope();
            var joined = await scope.ServiceProvider.GetRequiredService<WorkshopStore>().JoinAsync(code, $"Attendee {i}", null, null);
            Assert.True(LearnerId.TryParse(joined.Attendee!.LearnerId, out var learner));
            admission.AddAttendee(learner, joined.Workshop!.Id, 10);
            attendees.Add(learner);
            Assert.True(WarmPool.IsPoolClusterName((await locator.FindAsync(learner, "starwars", default))!.Name));
        }
        Assert.Equal(7, await RefreshAsync()); // min(7, 10 - 3)
        Assert.Equal(10, admission.Read().Slots); // 3 claimed + 7 ready: all within the 10 reserved seats

        // T+31 min: the unclaimed go; the attendees' clusters stay (claimed: the pool never touches them).
        clock.Advance(TimeSpan.FromMinutes(90));
        Assert.Equal(0, await RefreshAsync());
        var running = (await backend.ListAsync(default)).Select(c => c.Name).ToHashSet();
        Assert.Equal(3, running.Count);
        Assert.All(attendees, a => Assert.Contains(activity.Find(AgentClusterLocator.ClusterName(a, "starwars"))!.Actual, running));
        Assert.Equal(3, admission.Read().Slots);
    }

    [Fact]
    public void The_target_follows_the_seats_the_window_and_the_event_s_end()
    {
        var start = new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
        var workshop = new LabSite.Web.Workshops.Data.WorkshopRow
        {
            Id = "w", Title = "t", LabIds = "starwars", Backend = "netns", JoinCode = "c", Seats = 200, StartsAt = start, EndsAt = start.AddHours(2),
        };
        var options = new WarmPoolOptions();

        Assert.Equal(0, WorkshopClusterHolds.PrewarmTarget(workshop, start.AddMinutes(-61), options));
        Assert.Equal(140, WorkshopClusterHolds.PrewarmTarget(workshop, start.AddMinutes(-60), options));
        Assert.Equal(140, WorkshopClusterHolds.PrewarmTarget(workshop, start.AddMinutes(29), options));
        Assert.Equal(0, WorkshopClusterHolds.PrewarmTarget(workshop, start.AddMinutes(30), options));
        workshop.Rehearsal = true;
        Assert.Equal(1, WorkshopClusterHolds.PrewarmTarget(workshop, start.AddMinutes(-5), options)); // the instructor alone
        workshop.Rehearsal = false;
        workshop.EndedAt = start;
        Assert.Equal(0, WorkshopClusterHolds.PrewarmTarget(workshop, start.AddMinutes(-5), options));
    }
}
