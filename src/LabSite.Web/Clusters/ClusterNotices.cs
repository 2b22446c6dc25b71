using System.Collections.Concurrent;
using LabSite.Web.Learners;

namespace LabSite.Web.Clusters;

/// <summary>What the player tells a learner about their cluster: it expired, it is being restored, or how the restore went.</summary>
public enum ClusterNoticeKind { Expired, NotRunning, Restoring, Restored }

/// <param name="Version">Grows with every notice, so a request can tell whether the notice changed while it ran.</param>
public sealed record ClusterNotice(ClusterNoticeKind Kind, DateTimeOffset At, string Text, ClusterRestoreReport? Report, long Version);

/// <summary>
/// The latest notice per learner and lab, kept in memory: it concerns the clusters of this process's agent, which do
/// not outlive it either. A restore's notice stays until the learner dismisses it; its text is also printed once in
/// the lab's terminal.
/// </summary>
public sealed class ClusterNotices
{
    private readonly ConcurrentDictionary<(LearnerId, string), ClusterNotice> _notices = new();
    private readonly ConcurrentDictionary<(LearnerId, string), string> _terminalText = new();
    private long _version;

    public ClusterNotice? Get(LearnerId learner, string labId) => _notices.GetValueOrDefault((learner, labId));

    /// <summary>The version of the current notice, 0 when there is none.</summary>
    public long Version(LearnerId learner, string labId) => Get(learner, labId)?.Version ?? 0;

    public void Expired(LearnerId learner, string labId, DateTimeOffset at, TimeSpan idleTimeout) =>
        Set(learner, labId, ClusterNoticeKind.Expired, at,
            $"Your cluster expired at {at:HH:mm} UTC after {Duration(idleTimeout)} without use. It will be created again when you use the terminal or press Check, and the solutions of the steps you completed will be replayed; files in your lab folder are kept.",
            null);

    /// <summary>
    /// Not stored: what the player says when the learner has completed steps but no cluster runs and the site has no
    /// record of why (it restarted with its in-process agent). The next use restores it like an expired one.
    /// </summary>
    public static ClusterNotice NotRunning(DateTimeOffset at) => new(ClusterNoticeKind.NotRunning, at,
        "Your cluster is not running (the lab agent restarted, or the cluster was deleted). It will be created again when you use the terminal or press Check, and the solutions of the steps you completed will be replayed; files in your lab folder are kept.",
        null, 0);

    public void Restoring(LearnerId learner, string labId, DateTimeOffset at, string text) =>
        Set(learner, labId, ClusterNoticeKind.Restoring, at, text, null);

    public void Restored(LearnerId learner, string labId, ClusterRestoreReport report)
    {
        Set(learner, labId, ClusterNoticeKind.Restored, report.At, report.Summary, report);
        _terminalText[(learner, labId)] = report.Summary;
    }

    /// <summary>The restore's text for the lab's terminal, once: the terminal that starts next prints it.</summary>
    public string? TakeTerminalText(LearnerId learner, string labId) =>
        _terminalText.TryRemove((learner, labId), out var text) ? text : null;

    public void Dismiss(LearnerId learner, string labId) => _notices.TryRemove((learner, labId), out _);

    /// <summary>Only a finished restore's notice goes away: "expired" and "restoring" stay true until the cluster is back.</summary>
    public void DismissRestored(LearnerId learner, string labId)
    {
        if (Get(learner, labId)?.Kind == ClusterNoticeKind.Restored)
        {
            Dismiss(learner, labId);
        }
    }

    private void Set(LearnerId learner, string labId, ClusterNoticeKind kind, DateTimeOffset at, string text, ClusterRestoreReport? report) =>
        _notices[(learner, labId)] = new ClusterNotice(kind, at, text, report, Interlocked.Increment(ref _version));

    private static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 && t.Minutes == 0 ? $"{t.TotalHours:0} hour{(t.TotalHours == 1 ? "" : "s")}"
        : $"{t.TotalMinutes:0} minute{(t.TotalMinutes == 1 ? "" : "s")}";
}
