using System.Collections.Concurrent;
using LabSite.Scenarios.Model;
using LabSite.Shell;
using LabSite.Shell.Terminal;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;
using LabSite.Web.Workspace;

namespace LabSite.Web.Terminal;

/// <summary>
/// Terminal sessions by learner, lab and tab (up to <see cref="TerminalTab.MaxPerLab"/> per lab). A lab's tabs share its
/// working folder (<see cref="LabFolders"/>), its cluster and its history file; each has its own shell and screen.
/// Sessions left detached for <see cref="IdleTimeout"/> are closed when new ones start.
/// </summary>
public sealed class TerminalSessions(LabFolders folders, ILabClusterLocator clusters, ClusterNotices notices, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);

    /// <summary>A bound on live sessions on one host (each holds a shell and up to <see cref="TerminalSession.ReplayChars"/> of output).</summary>
    public const int MaxSessions = 2000;

    private readonly ConcurrentDictionary<(LearnerId, string, TerminalTab), Lazy<Task<TerminalSession>>> _sessions = new();

    public int Count => _sessions.Count;

    public async Task<TerminalSession> GetOrStartAsync(LearnerId learner, Lab lab, TerminalTab tab, CancellationToken ct)
    {
        var key = (learner, lab.Id, tab);
        if (_sessions.TryGetValue(key, out var existing) && Reusable(existing))
        {
            if (!existing.IsValueCreated || !existing.Value.IsCompleted)
            {
                return await existing.Value;
            }
            // Using the lab brings back an expired or lost cluster; a shell still holding the old one starts again.
            await clusters.FindAsync(learner, lab.Id, ct);
            var session = existing.Value.Result;
            if (session.ClusterGeneration == clusters.Generation(learner, lab.Id))
            {
                return session;
            }
            if (_sessions.TryRemove(KeyValuePair.Create(key, existing)))
            {
                session.Close("this lab's cluster was created again; reload the page for a new terminal");
            }
        }
        CloseIdle();
        if (_sessions.Count >= MaxSessions)
        {
            throw new InvalidOperationException($"this host already runs {MaxSessions} terminals; try again later");
        }
        var created = new Lazy<Task<TerminalSession>>(() => StartAsync(learner, lab, ct));
        _sessions[key] = created;
        try
        {
            return await created.Value;
        }
        catch
        {
            // A start that failed (no cluster admitted yet, a backend error) must not hold one of the host's terminals.
            _sessions.TryRemove(KeyValuePair.Create(key, created));
            throw;
        }
    }

    /// <summary>Whether any of the learner's terminals on a lab is attached, and when one was last used; null without a session.</summary>
    public (bool Attached, DateTimeOffset LastActivity)? Activity(LearnerId learner, string labId)
    {
        var started = Started(learner, labId).Select(e => e.Session).ToList();
        return started.Count == 0 ? null : (started.Any(s => s.IsAttached), started.Max(s => s.LastActivity));
    }

    /// <summary>A tab's session if it has started and runs (for an instructor's shadow); never starts one.</summary>
    public TerminalSession? Find(LearnerId learner, string labId, TerminalTab tab) =>
        _sessions.TryGetValue((learner, labId, tab), out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
            && lazy.Value.Result is { Shell.HasExited: false } session ? session : null;

    /// <summary>When the learner last sent a command in any of their terminals on a lab; null when none did.</summary>
    public DateTimeOffset? LastCommandAt(LearnerId learner, string labId) =>
        Started(learner, labId).Select(e => e.Session.LastCommandAt).Max();

    /// <summary>Ends all the learner's terminals on a lab (its cluster was deleted): the next connect starts new ones.</summary>
    public void Close(LearnerId learner, string labId, string reason)
    {
        foreach (var (key, lazy, session) in Started(learner, labId))
        {
            if (_sessions.TryRemove(KeyValuePair.Create(key, lazy)))
            {
                session.Close(reason);
            }
        }
    }

    private IEnumerable<((LearnerId, string, TerminalTab) Key, Lazy<Task<TerminalSession>> Lazy, TerminalSession Session)> Started(LearnerId learner, string labId) =>
        _sessions.Where(e => e.Key.Item1 == learner && e.Key.Item2 == labId && e.Value.IsValueCreated && e.Value.Value.IsCompletedSuccessfully)
            .Select(e => (e.Key, e.Value, e.Value.Value.Result)).ToList();

    /// <summary>The learner's tabs on a lab whose shell is starting or running, in order (for the player's tab strip).</summary>
    public IReadOnlyList<TerminalTab> OpenTabs(LearnerId learner, string labId) =>
        _sessions.Where(e => e.Key.Item1 == learner && e.Key.Item2 == labId && Reusable(e.Value))
            .Select(e => e.Key.Item3).OrderBy(t => t.Number).ToList();

    /// <summary>Ends a tab's shell (its × button): a running command is cancelled and an attached browser is told.</summary>
    public bool Close(LearnerId learner, string labId, TerminalTab tab)
    {
        if (!_sessions.TryRemove((learner, labId, tab), out var lazy))
        {
            return false;
        }
        if (lazy.IsValueCreated)
        {
            // A shell still starting is ended as soon as it has started, so none outlives its tab unowned.
            _ = lazy.Value.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return true;
    }

    /// <summary>A session still starting, or started and not exited; a failed start or an exited shell is replaced.</summary>
    private static bool Reusable(Lazy<Task<TerminalSession>> entry) =>
        !entry.IsValueCreated || !entry.Value.IsCompleted || (entry.Value.IsCompletedSuccessfully && !entry.Value.Result.Shell.HasExited);

    private async Task<TerminalSession> StartAsync(LearnerId learner, Lab lab, CancellationToken ct)
    {
        var folder = folders.For(learner, lab);
        var cluster = await clusters.FindAsync(learner, lab.Id, ct);
        var session = new ShellSession(folder, cluster, new ProcessToolRunner(), clock);
        var terminal = new TerminalSession(output => new LabShell(session, output), clock) { ClusterGeneration = clusters.Generation(learner, lab.Id) };
        // A restore just happened (here or on a Check): the terminal says what it did before the first prompt.
        if (notices.TakeTerminalText(learner, lab.Id) is { } restored)
        {
            terminal.Notice(restored);
        }
        terminal.Shell.Start();
        return terminal;
    }

    private void CloseIdle()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, lazy) in _sessions)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result is { IsAttached: false } session
                && (now - session.LastActivity > IdleTimeout || session.Shell.HasExited) && _sessions.TryRemove(key, out _))
            {
                session.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
            }
        }
    }
}
