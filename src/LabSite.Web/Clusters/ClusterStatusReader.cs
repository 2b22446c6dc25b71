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
}

/// <param name="Notice">What to tell the learner about it (expired, restoring, how the restore went), if anything.</param>
public sealed record ClusterStatus(ClusterState State, ClusterNotice? Notice)
{
    /// <summary>Worth asking again soon: a restore or a start is under way, or the cluster should come back on use.</summary>
    public bool Pending => State is ClusterState.Starting or ClusterState.Gone;
}

/// <summary>Reads a learner's cluster status from the stored notices and the lab agent; never creates or touches a cluster.</summary>
/// <param name="hasAgent">False for <c>serve --agent off</c>: no cluster ever runs, so none is ever gone.</param>
public sealed class ClusterStatusReader(ClusterNotices notices, ILabClusterLocator clusters, TimeProvider clock, bool hasAgent)
{
    public async Task<ClusterStatus> ReadAsync(LearnerId learner, string labId, int completedSteps, CancellationToken ct)
    {
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
