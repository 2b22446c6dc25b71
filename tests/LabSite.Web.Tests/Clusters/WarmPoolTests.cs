using System.ComponentModel.DataAnnotations;
using LabSite.Agent.Server;
using LabSite.Testing;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Workspace;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Clusters;

/// <summary>
/// The warm pool's policy on a fake backend: fill to target within admission's capacity, atomic claims through the
/// locator's real path, the learner→cluster mapping for reset and expiry, claimed clusters never touched by the pool.
/// </summary>
public sealed class WarmPoolTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryClusterBackend _backend = new();
    private readonly BackendRouter _agent;
    private readonly ClusterActivity _activity;
    private readonly LearnerClients _clients;
    private readonly string _data = Directory.CreateTempSubdirectory("labsite-pool-").FullName;

    public WarmPoolTests()
    {
        _agent = new BackendRouter([_backend]);
        _activity = new ClusterActivity(_clock);
        _clients = new LearnerClients(_clock);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private ClusterAdmission Admission(int capacity, int perClient = 100) => new(
        Options.Create(new AdmissionOptions { MemoryBudgetMiB = capacity * 10, MiBPerCluster = 10, PerClientLimit = perClient }), _clients, _clock);

    private WarmPool Pool(int starwars, ClusterAdmission? admission = null, int parallelism = 2) => new(
        _backend, Options.Create(new WarmPoolOptions { Labs = new() { ["starwars"] = starwars }, Parallelism = parallelism }), _clock,
        NullLogger<WarmPool>.Instance, admission, activity: _activity);

    private AgentClusterLocator Locator(WarmPool pool, ClusterAdmission? admission = null) => new(_agent, _activity, admission: admission, pool: pool);

    private async Task<string[]> RunningAsync() => [.. (await _backend.ListAsync(default)).Select(c => c.Name).Order(StringComparer.Ordinal)];

    private LearnerId Learner(string client = "192.0.2.1")
    {
        var learner = LearnerId.New();
        _clients.Record(learner, client);
        return learner;
    }

    [Fact]
    public async Task The_pool_fills_to_its_target_and_a_learner_gets_a_ready_cluster_bound_to_them()
    {
        var pool = Pool(starwars: 3);
        Assert.Equal(3, await pool.FillAsync(default));
        Assert.Equal(0, await pool.FillAsync(default)); // at target: nothing more
        var pooled = await RunningAsync();
        Assert.Equal(3, pooled.Length);
        Assert.All(pooled, n => Assert.True(WarmPool.IsPoolClusterName(n), n));

        var learner = Learner();
        var locator = Locator(pool);
        var cluster = await locator.FindAsync(learner, "starwars", default);

        Assert.Contains(cluster!.Name, pooled);
        var seat = AgentClusterLocator.ClusterName(learner, "starwars");
        Assert.Equal(cluster.Name, _activity.Find(seat)!.Actual);
        Assert.Same(cluster, await locator.FindAsync(learner, "starwars", default)); // found again through the mapping
        Assert.Equal(cluster.Name, (await locator.FindRunningAsync(learner, "starwars", default))!.Name);
        Assert.DoesNotContain(seat, await RunningAsync()); // no cluster of the seat's own name was created
        Assert.Equal(new WarmPool.Snapshot(Ready: 2, Creating: 0, Claimed: 1, Created: 3, Failed: 0), pool.Read("starwars"));

        Assert.Equal(1, await pool.FillAsync(default)); // refilled as claimed
        Assert.Equal(3, pool.Read("starwars").Ready);
    }

    [Fact]
    public async Task Concurrent_learners_never_share_a_pool_cluster_and_the_rest_get_their_own()
    {
        var pool = Pool(starwars: 10);
        await pool.FillAsync(default);
        var locator = Locator(pool);
        var learners = Enumerable.Range(0, 30).Select(_ => Learner()).ToList();

        var clusters = await Task.WhenAll(learners.Select(l => Task.Run(() => locator.FindAsync(l, "starwars", default))));

        var names = clusters.Select(c => c!.Name).ToList();
        Assert.Equal(30, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(10, names.Count(WarmPool.IsPoolClusterName));
        Assert.Equal(20, names.Count(AgentClusterLocator.IsLearnerClusterName));
        Assert.Equal(0, pool.Read().Ready);
    }

    [Fact]
    public async Task A_claimed_cluster_is_never_deleted_by_the_pool_and_a_reset_gives_a_fresh_one_from_it()
    {
        var pool = Pool(starwars: 2);
        await pool.FillAsync(default);
        var learner = Learner();
        var locator = Locator(pool);
        var first = await locator.FindAsync(learner, "starwars", default);
        var generation = locator.Generation(learner, "starwars");

        var fresh = await locator.ReplaceAsync(learner, "starwars", _ => Task.CompletedTask, default);

        Assert.NotEqual(first!.Name, fresh!.Name);
        Assert.True(WarmPool.IsPoolClusterName(fresh.Name));
        Assert.DoesNotContain(first.Name, await RunningAsync()); // the old one went
        Assert.Equal(generation + 1, locator.Generation(learner, "starwars")); // its terminals start again

        // The operator turns the pool off: the unclaimed ready cluster goes; the learner's stays.
        var off = new WarmPool(_backend, Options.Create(new WarmPoolOptions()), _clock, NullLogger<WarmPool>.Instance, activity: _activity);
        await off.FillAsync(default); // a new pool (a site restart) clears unclaimed orphans, never a bound cluster
        Assert.Equal([fresh.Name], await RunningAsync());
    }

    [Fact]
    public async Task Lowering_the_target_deletes_only_unclaimed_clusters()
    {
        var admission = Admission(capacity: 10);
        admission.SetWorkshops(new Dictionary<string, int> { ["w1"] = 5 }, new Dictionary<LearnerId, string>());
        var pool = Pool(starwars: 0, admission);
        pool.SetWorkshopTargets(new Dictionary<(string, string), int> { [("starwars", "w1")] = 3 });
        await pool.FillAsync(default);
        var attendee = Learner();
        admission.AddAttendee(attendee, "w1", 5);
        var mine = await Locator(pool, admission).FindAsync(attendee, "starwars", default);
        Assert.True(WarmPool.IsPoolClusterName(mine!.Name));

        pool.SetWorkshopTargets(new Dictionary<(string, string), int>()); // start + 30 min: unclaimed ones are reaped
        await pool.FillAsync(default);

        Assert.Equal([mine.Name], await RunningAsync());
        Assert.Equal(0, pool.Read().Ready);
        Assert.Equal(1, admission.Read().Slots); // the reaped ones gave their slots back
    }

    [Fact]
    public async Task Only_a_workshop_s_attendees_claim_its_clusters()
    {
        var admission = Admission(capacity: 10);
        var pool = Pool(starwars: 0, admission);
        pool.SetWorkshopTargets(new Dictionary<(string, string), int> { [("starwars", "w1")] = 1 });
        await pool.FillAsync(default);
        var stranger = Learner();
        var attendee = Learner();
        admission.AddAttendee(attendee, "w1", 5);
        var locator = Locator(pool, admission);

        var theirs = await locator.FindAsync(stranger, "starwars", default);
        Assert.Equal(AgentClusterLocator.ClusterName(stranger, "starwars"), theirs!.Name); // created for them, not the workshop's
        Assert.Equal(1, pool.Read().Ready);

        Assert.True(WarmPool.IsPoolClusterName((await locator.FindAsync(attendee, "starwars", default))!.Name));
    }

    [Fact]
    public async Task Pool_clusters_count_in_the_capacity_and_give_way_to_people_in_line()
    {
        var admission = Admission(capacity: 3);
        var pool = Pool(starwars: 5, admission);
        await pool.FillAsync(default);
        Assert.Equal(3, pool.Read().Ready); // never beyond the host's capacity
        Assert.Equal(3, admission.Read().Pooled);

        // Someone wants another lab while the pool holds every slot: they wait, and the pool gives one back.
        var other = Learner();
        var locator = Locator(pool, admission);
        var queued = await Assert.ThrowsAsync<ClusterAdmissionException>(() => locator.FindAsync(other, "tetragon", default));
        Assert.Equal(AdmissionOutcome.Queued, queued.Decision.Outcome);
        await pool.FillAsync(default);
        Assert.Equal(2, pool.Read().Ready);
        Assert.Equal("tetragon", (await locator.FindAsync(other, "tetragon", default))!.Name.Split('-', 2)[1]);
        Assert.Equal(3, (await RunningAsync()).Length);
    }

    [Fact]
    public async Task A_client_at_its_limit_cannot_take_pool_clusters_with_fresh_cookies()
    {
        var admission = Admission(capacity: 20, perClient: 2);
        var pool = Pool(starwars: 5, admission);
        await pool.FillAsync(default);
        var locator = Locator(pool, admission);

        await locator.FindAsync(Learner("198.51.100.7"), "starwars", default);
        await locator.FindAsync(Learner("198.51.100.7"), "starwars", default);
        var refused = await Assert.ThrowsAsync<ClusterAdmissionException>(() => locator.FindAsync(Learner("198.51.100.7"), "starwars", default));

        Assert.Equal(AdmissionOutcome.Refused, refused.Decision.Outcome);
        Assert.Contains("198.51.100.7", refused.Message);
        Assert.Equal(3, pool.Read().Ready); // the refused claim went back to the pool
    }

    [Fact]
    public async Task Expiry_deletes_an_idle_claimed_cluster_through_its_learner_s_seat_and_gives_its_slot_back()
    {
        var admission = Admission(capacity: 5);
        var pool = Pool(starwars: 1, admission);
        await pool.FillAsync(default);
        var learner = Learner();
        var locator = Locator(pool, admission);
        var claimed = await locator.FindAsync(learner, "starwars", default);
        using var terminals = new TerminalSessions(new LabFolders(new SiteOptions { DataDirectory = _data }), locator, new ClusterNotices(), _clock);
        var expiry = new ClusterExpiry(_agent, _activity, new ClusterNotices(), terminals,
            Options.Create(new LabClusterOptions { IdleTimeout = TimeSpan.FromHours(1) }), _clock, NullLogger<ClusterExpiry>.Instance, admission);
        Assert.Empty(await expiry.SweepAsync(default));
        Assert.Equal(1, admission.Read().Slots);

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal([AgentClusterLocator.ClusterName(learner, "starwars")], await expiry.SweepAsync(default));

        Assert.DoesNotContain(claimed!.Name, await RunningAsync());
        Assert.Equal(0, admission.Read().Slots);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_key()
    {
        var options = new WarmPoolOptions { Labs = new() { ["starwars"] = -1 }, Parallelism = 0, WorkshopFraction = 1.5 };
        var errors = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Contains("WarmPoolOptions:Labs:starwars must not be negative; got -1", errors);
        Assert.Contains("WarmPoolOptions:Parallelism must be at least 1; got 0", errors);
        Assert.Contains("WarmPoolOptions:WorkshopFraction must be between 0 and 1; got 1.5", errors);
    }

    [Fact]
    public void Pool_names_are_dns_labels_the_agent_accepts_and_differ_from_learner_names()
    {
        var name = WarmPool.NewName("a-very-long-lab-identifier-that-goes-on");
        Assert.True(name.Length <= 32);
        Assert.Null(BackendRouter.CheckClusterName(name));
        Assert.True(WarmPool.IsPoolClusterName(name));
        Assert.False(AgentClusterLocator.IsLearnerClusterName(name));
        Assert.False(WarmPool.IsPoolClusterName("l01234567-starwars"));
    }
}
