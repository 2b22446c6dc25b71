using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Testing;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workspace;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Clusters;

/// <summary>Idle learner clusters are deleted on a clock the test moves; used ones, attached terminals and foreign clusters stay.</summary>
public sealed class ClusterExpiryTests : IDisposable
{
    private static readonly LearnerId s_idle = new(Guid.Parse("0123456789abcdef0123456789abcdef"));
    private static readonly LearnerId s_active = new(Guid.Parse("fedcba9876543210fedcba9876543210"));
    private static readonly TimeSpan s_timeout = TimeSpan.FromHours(4);

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryClusterBackend _backend = new();
    private readonly ClusterNotices _notices = new();
    private readonly AgentClusterLocator _locator;
    private readonly TerminalSessions _terminals;
    private readonly ClusterExpiry _expiry;
    private readonly ClusterActivity _activity;
    private readonly string _data = Directory.CreateTempSubdirectory("labsite-expiry-").FullName;

    public ClusterExpiryTests()
    {
        var agent = new BackendRouter([_backend]);
        var activity = _activity = new ClusterActivity(_clock);
        _locator = new AgentClusterLocator(agent, activity);
        _terminals = new TerminalSessions(new LabFolders(new SiteOptions { DataDirectory = _data }), _locator, _notices, _clock);
        _expiry = new ClusterExpiry(agent, activity, _notices, _terminals, Options.Create(new LabClusterOptions { IdleTimeout = s_timeout }),
            _clock, NullLogger<ClusterExpiry>.Instance);
    }

    public void Dispose()
    {
        _terminals.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<string[]> RunningAsync() => [.. (await _backend.ListAsync(default)).Select(c => c.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task An_idle_cluster_is_deleted_and_one_checked_recently_is_kept()
    {
        await _locator.FindAsync(s_idle, "starwars", default);
        await _locator.FindAsync(s_active, "starwars", default);
        _clock.Advance(TimeSpan.FromHours(3));
        await _locator.FindAsync(s_active, "starwars", default); // a Check
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        var expired = await _expiry.SweepAsync(default);

        Assert.Equal(["l01234567-starwars"], expired);
        Assert.Equal(["lfedcba98-starwars"], await RunningAsync());
        var notice = _notices.Get(s_idle, "starwars");
        Assert.Equal(ClusterNoticeKind.Expired, notice?.Kind);
        Assert.StartsWith("Your cluster expired at 14:01 UTC after 4 hours without use. It will be created again when you use the terminal or press Check", notice!.Text);
        Assert.Null(_notices.Get(s_active, "starwars"));
        Assert.Empty(await _expiry.SweepAsync(default));
    }

    [Fact]
    public async Task A_workshop_attendee_s_cluster_is_not_reaped_while_the_event_runs_and_is_after_it_ends()
    {
        await _locator.FindAsync(s_idle, "starwars", default);
        _activity.SetHolds(new Dictionary<LearnerId, DateTimeOffset> { [s_idle] = _clock.GetUtcNow() + TimeSpan.FromHours(6) });
        _clock.Advance(TimeSpan.FromHours(5)); // a long lunch: idle for longer than the timeout

        Assert.Empty(await _expiry.SweepAsync(default));
        Assert.Equal(["l01234567-starwars"], await RunningAsync());

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1)); // the event ended
        Assert.Equal(["l01234567-starwars"], await _expiry.SweepAsync(default));

        // An event ended early: the refreshed holds no longer name the learner.
        await _locator.FindAsync(s_active, "starwars", default);
        _activity.SetHolds(new Dictionary<LearnerId, DateTimeOffset> { [s_active] = _clock.GetUtcNow() + TimeSpan.FromDays(1) });
        _activity.SetHolds(new Dictionary<LearnerId, DateTimeOffset>());
        _clock.Advance(s_timeout + TimeSpan.FromMinutes(1));
        Assert.Equal(["lfedcba98-starwars"], await _expiry.SweepAsync(default));
    }

    [Fact]
    public async Task A_learner_whose_id_shares_the_cluster_name_of_another_s_is_refused_that_cluster()
    {
        var twin = new LearnerId(Guid.Parse("01234567ffffffffffffffffffffffff"));
        var mine = await _locator.FindAsync(s_idle, "starwars", default);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _locator.FindAsync(twin, "starwars", default));
        Assert.Contains("l01234567-starwars belongs to another learner", e.Message);
        Assert.Equal(mine!.Name, (await _locator.FindAsync(s_idle, "starwars", default))!.Name);
    }

    [Fact]
    public async Task An_attached_terminal_keeps_the_cluster_and_after_detaching_the_idle_time_counts_from_then()
    {
        var terminal = await _terminals.GetOrStartAsync(s_idle, TestLabs.Policy(), TerminalTab.First, default);
        var attachment = terminal.Attach();
        _clock.Advance(s_timeout * 2);
        Assert.Empty(await _expiry.SweepAsync(default));

        terminal.Detach(attachment);
        _clock.Advance(s_timeout - TimeSpan.FromMinutes(1));
        Assert.Empty(await _expiry.SweepAsync(default));
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(["l01234567-policy-basics"], await _expiry.SweepAsync(default));
        Assert.Empty(await RunningAsync());
        Assert.Null(_terminals.Activity(s_idle, "policy-basics"));
    }

    [Fact]
    public async Task Clusters_started_by_hand_are_never_deleted_and_unknown_learner_clusters_expire_from_first_sight()
    {
        await _backend.CreateAsync(new ClusterRequest("e2e", "starwars"), null, default);
        await _backend.CreateAsync(new ClusterRequest("l0badcafe-starwars", "starwars"), null, default);
        Assert.Empty(await _expiry.SweepAsync(default));

        _clock.Advance(s_timeout + TimeSpan.FromMinutes(1));

        Assert.Equal(["l0badcafe-starwars"], await _expiry.SweepAsync(default));
        Assert.Equal(["e2e"], await RunningAsync());
    }

    [Fact]
    public async Task After_expiry_the_next_use_creates_the_cluster_again_and_terminals_holding_the_old_one_start_again()
    {
        var before = await _terminals.GetOrStartAsync(s_idle, TestLabs.Policy(), TerminalTab.First, default);
        _clock.Advance(s_timeout + TimeSpan.FromMinutes(1));
        await _expiry.SweepAsync(default);

        var after = await _terminals.GetOrStartAsync(s_idle, TestLabs.Policy(), TerminalTab.First, default);

        Assert.NotSame(before, after);
        Assert.Equal(2, after.ClusterGeneration);
        Assert.Equal(["l01234567-policy-basics"], await RunningAsync());
    }

    [Theory]
    [InlineData("IdleTimeout", "LabClusterOptions:IdleTimeout must be at least 00:01:00; got 00:00:30")]
    [InlineData("SweepInterval", "LabClusterOptions:SweepInterval must be at least 00:00:01; got 00:00:00")]
    public void Options_below_their_minimum_fail_validation_naming_the_key(string key, string message)
    {
        var options = key == "IdleTimeout"
            ? new LabClusterOptions { IdleTimeout = TimeSpan.FromSeconds(30) }
            : new LabClusterOptions { SweepInterval = TimeSpan.Zero };

        var result = new DataAnnotationValidateOptions<LabClusterOptions>(null).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }
}
