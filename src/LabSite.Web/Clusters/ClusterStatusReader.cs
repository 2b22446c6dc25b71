using LabSite.Web.Admission;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;

namespace LabSite.Web.Clusters;

/// <summary>The learner's cluster as the player shows it.</summary>
public enum ClusterState
{
    /// <summary>Nothing runs yet: the terminal or a Check creates it.</summary>
    NotStarted,

    /// <summary>Being created again, with the completed steps' solutions replayed.</summary>
    Starting,

    Ready,

    /// <summary>It expired, or vanished (the agent restarted): the next use brings it back.</summary>
    Gone,

    /// <summary>The host is full: the cluster waits in line (<see cref="ClusterStatus.Position"/>) and starts when admitted.</summary>
    Queued,
}

/// <param name="Notice">What to tell the learner about it (expired, restoring, how the restore went), if anything.</param>
/// <param name="Position">The place in line when <see cref="ClusterState.Queued"/> (1 = next).</param>
public sealed record ClusterStatus(ClusterState State, ClusterNotice? Notice, int Position = 0)
{
    /// <summary>Worth asking again soon: a restore or a start is under way, the cluster should come back on use, or it waits in line.</summary>
    public bool Pending => State is ClusterState.Starting or ClusterState.Gone or ClusterState.Queued;
}

/// <summary>Reads a learner's cluster status from the stored notices and the lab agent; never creates or touches a cluster.</summary>
/// <param name="hasAgent">False for <c>serve --agent off</c>: no cluster ever runs, so none is ever gone.</param>
/// <param name="admission">Says the place in line; reading it keeps the place (the player reads every few seconds while waiting).</param>
public sealed class ClusterStatusReader(ClusterNotices notices, ILabClusterLocator clusters, TimeProvider clock, bool hasAgent, ClusterAdmission? admission = null)
{
    public async Task<ClusterStatus> ReadAsync(LearnerId learner, string labId, int completedSteps, CancellationToken ct)
    {
        if (admission?.Position(AgentClusterLocator.ClusterName(learner, labId)) is { } position)
        {
            return new ClusterStatus(ClusterState.Queued, notices.Get(learner, labId), position);
        }
        var stored = notices.Get(learner, labId);
        if (stored?.Kind == ClusterNoticeKind.Restoring)
        {
            return new ClusterStatus(ClusterState.Starting, stored);
        }
        if (stored?.Kind == ClusterNoticeKind.Expired)
        {
            return new ClusterStatus(ClusterState.Gone, stored);
        }

        var running = hasAgent && await clusters.FindRunningAsync(learner, labId, ct) is not null;
        if (running)
        {
            return new ClusterStatus(ClusterState.Ready, stored);
        }
        // The site restarted with its in-process agent, so nothing was recorded about why the cluster is not there.
        return hasAgent && completedSteps > 0
            ? new ClusterStatus(ClusterState.Gone, stored ?? ClusterNotices.NotRunning(clock.GetUtcNow()))
            : new ClusterStatus(ClusterState.NotStarted, stored);
    }
}
