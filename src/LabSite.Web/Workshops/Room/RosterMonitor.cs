using System.Collections.Concurrent;
using LabSite.Grader.Results;
using LabSite.Web.Checks;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Terminal;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Workshops.Room;

/// <summary>
/// Feeds each watched room's roster from the grader: every <see cref="WorkshopRoomOptions.RecheckInterval"/> it runs each
/// attendee's current step checks through <see cref="IStepChecker"/> (the player's own background re-check: never creates
/// or restores a cluster), at most <see cref="WorkshopRoomOptions.MaxParallelChecks"/> at once across the site, and
/// publishes the roster once per room however many consoles watch it. Rooms nobody watches cost nothing. A poke
/// (a hand raised, a console opened) republishes at once from the last grading, without grading again.
/// </summary>
public sealed class RosterMonitor(
    WorkshopRooms rooms, IServiceScopeFactory scopes, IStepChecker checker, LabCatalogSource catalog, TerminalSessions terminals,
    IOptions<WorkshopRoomOptions> options, TimeProvider clock, ILogger<RosterMonitor> log) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<string, byte> _poked = new(StringComparer.Ordinal);

    // The last grading per attendee, reused by pokes while the attendee stays on that step.
    private readonly ConcurrentDictionary<string, (string LabId, string StepId, CheckPanelState State)> _graded = new(StringComparer.Ordinal);

    /// <summary>Republish a room soon from what is known (no grading): for changes the grader does not see.</summary>
    public void Poke(string workshopId)
    {
        _poked[workshopId] = 0;
        _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = next - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await _wake.WaitAsync(wait, stoppingToken);
                }
                foreach (var id in _poked.Keys)
                {
                    if (_poked.TryRemove(id, out _) && await rooms.GetAsync(id, stoppingToken) is { } poked)
                    {
                        await RefreshAsync(poked, grade: false, stoppingToken);
                    }
                }
                if (clock.GetUtcNow() >= next)
                {
                    foreach (var room in rooms.Open.Where(r => r.Viewers > 0))
                    {
                        await RefreshAsync(room, grade: true, stoppingToken);
                    }
                    next = clock.GetUtcNow() + options.Value.RecheckInterval;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The console must outlive a store or agent hiccup: the next round tries again.
                log.LogWarning(e, "Refreshing a workshop roster failed; trying again in {Interval}", options.Value.RecheckInterval);
                next = clock.GetUtcNow() + options.Value.RecheckInterval;
            }
        }
    }

    /// <summary>Builds and publishes one room's roster; with <paramref name="grade"/>, each attendee's checks run first.</summary>
    public async Task RefreshAsync(WorkshopRoom room, bool grade, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var workshop = await scope.ServiceProvider.GetRequiredService<WorkshopStore>().FindAsync(room.WorkshopId, ct);
        if (workshop is null)
        {
            room.Publish(new Roster([], clock.GetUtcNow(), null));
            return;
        }
        var attendees = workshop.Attendees.OrderBy(a => a.Seat).ToList();
        var learners = attendees.ToDictionary(a => a.Id, a => LearnerId.TryParse(a.LearnerId, out var l) ? l : default);
        var positions = await scope.ServiceProvider.GetRequiredService<LabProgressStore>()
            .PositionsAsync([.. learners.Values], workshop.LabIds.Split(','), ct);

        if (grade)
        {
            await Parallel.ForEachAsync(attendees, new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelChecks, CancellationToken = ct }, async (a, token) =>
            {
                if (positions.GetValueOrDefault(learners[a.Id]) is { } at && catalog.Current.Find(at.LabId)?.FindStep(at.StepId) is { Checks.Count: > 0 } step)
                {
                    var state = await GradeAsync(learners[a.Id], at.LabId, step, token);
                    _graded[a.Id] = (at.LabId, at.StepId, state);
                }
            });
        }

        var now = clock.GetUtcNow();
        var rows = new List<RosterRow>();
        foreach (var a in attendees)
        {
            var learner = learners[a.Id];
            var at = positions.GetValueOrDefault(learner);
            var lab = at is null ? null : catalog.Current.Find(at.LabId);
            var step = at is null ? null : lab?.FindStep(at.StepId);
            var graded = _graded.TryGetValue(a.Id, out var g) && at is not null && g.LabId == at.LabId && g.StepId == at.StepId ? g.State : null;
            IReadOnlyList<CheckResult> checks = graded?.Results ?? [];
            var passed = checks.Count > 0 && checks.All(c => c.Passed);
            var connected = room.IsPresent(a.Id) || (at is not null && terminals.Activity(learner, at.LabId) is { Attached: true });
            rows.Add(new RosterRow(
                a.Id, a.Seat, a.DisplayName, connected,
                at?.LabId, step?.Id, step?.Title, step is null ? 0 : step.Index + 1, lab?.Steps.Count ?? 0,
                checks, graded?.Problem,
                at?.StepVisitedAt, at is null ? null : terminals.LastCommandAt(learner, at.LabId),
                a.HandRaisedAt is { } hand ? new DateTimeOffset(DateTime.SpecifyKind(hand, DateTimeKind.Utc)) : null,
                a.Resets,
                Stuck: at is not null && step is { Checks.Count: > 0 } && !passed && now - at.StepVisitedAt >= options.Value.StuckAfter));
        }
        room.Publish(new Roster(rows, now, grade ? now : room.Roster.GradedAt));
    }

    private async Task<CheckPanelState> GradeAsync(LearnerId learner, string labId, Scenarios.Model.LabStep step, CancellationToken ct)
    {
        try
        {
            return await checker.CheckAsync(learner, labId, step, new Dictionary<string, string>(), background: true, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One attendee's broken cluster must not blank the whole roster: their row says why.
            return new CheckPanelState([], $"the checks could not run: {e.Message}", new Dictionary<string, string>());
        }
    }
}
