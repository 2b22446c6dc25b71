namespace LabSite.LabHost.Terminal;

using System.Collections.Concurrent;
using LabSite.LabHost.Clusters;
using LabSite.LabHost.Web;
using LabSite.LabHost.Web.Learners;
using LabSite.Sandbox.Shell;
using LabSite.Sandbox.Shell.Terminal;
using LabSite.Scenarios.Model;

/// <summary>
/// Terminal sessions by learner and lab. Each gets its own lab folder under <c>&lt;data&gt;/terminals/&lt;learner&gt;/&lt;lab&gt;/</c>,
/// seeded with the lab's files (never overwriting what the learner changed), so <c>kubectl apply -f sw_l3_l4_policy.yaml</c>
/// works as in the docs. Sessions left detached for <see cref="IdleTimeout"/> are closed when new ones start.
/// </summary>
public sealed class TerminalSessions(SiteOptions options, ILabClusterLocator clusters, ClusterNotices notices, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);

    /// <summary>A bound on live sessions on one host (each holds a shell and up to <see cref="TerminalSession.ReplayChars"/> of output).</summary>
    public const int MaxSessions = 2000;

    readonly ConcurrentDictionary<(LearnerId, string), Lazy<Task<TerminalSession>>> _sessions = new();

    public int Count => _sessions.Count;

    public async Task<TerminalSession> GetOrStartAsync(LearnerId learner, Lab lab, CancellationToken ct)
    {
        var key = (learner, lab.Id);
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
        return await created.Value;
    }

    /// <summary>Whether the learner's terminal for a lab is attached, and when it was last used; null without a session.</summary>
    public (bool Attached, DateTimeOffset LastActivity)? Activity(LearnerId learner, string labId) =>
        _sessions.TryGetValue((learner, labId), out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
            ? (lazy.Value.Result.IsAttached, lazy.Value.Result.LastActivity)
            : null;

    /// <summary>Ends the learner's terminal for a lab (its cluster was deleted): the next connect starts a new one.</summary>
    public void Close(LearnerId learner, string labId, string reason)
    {
        if (_sessions.TryGetValue((learner, labId), out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
            && _sessions.TryRemove(KeyValuePair.Create((learner, labId), lazy)))
        {
            lazy.Value.Result.Close(reason);
        }
    }

    /// <summary>A session still starting, or started and not exited; a failed start or an exited shell is replaced.</summary>
    static bool Reusable(Lazy<Task<TerminalSession>> entry) =>
        !entry.IsValueCreated || !entry.Value.IsCompleted || (entry.Value.IsCompletedSuccessfully && !entry.Value.Result.Shell.HasExited);

    async Task<TerminalSession> StartAsync(LearnerId learner, Lab lab, CancellationToken ct)
    {
        var folder = new WorkingFolder(Path.Combine(options.DataDirectory, "terminals", learner.ToString(), lab.Id));
        foreach (var file in lab.Files)
        {
            var target = Path.Combine(folder.Root, file.RelativePath);
            if (!File.Exists(target) && File.Exists(file.FullPath) && Path.GetFullPath(target).StartsWith(folder.Root + "/", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file.FullPath, target);
            }
        }
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

    void CloseIdle()
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
