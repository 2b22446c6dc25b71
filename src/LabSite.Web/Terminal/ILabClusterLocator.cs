using LabSite.Clusters.Contract;
using LabSite.Web.Learners;

namespace LabSite.Web.Terminal;

/// <summary>
/// Finds the cluster a learner's lab runs on, for that lab's terminal and its checks. Without a lab agent (serve --agent off),
/// <see cref="NoClusterLocator"/> answers "none" and kubectl in the terminal says no cluster is running yet.
/// </summary>
public interface ILabClusterLocator
{
    /// <summary>The learner uses the lab: finds their cluster, creating (and restoring) it when it does not run.</summary>
    Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct);

    /// <summary>Finds the cluster only if it runs, and does not count as use (background re-checks).</summary>
    Task<ILabCluster?> FindRunningAsync(LearnerId learner, string labId, CancellationToken ct) => FindAsync(learner, labId, ct);

    /// <summary>
    /// Replaces the learner's cluster for a lab (an instructor's reset or catch-up): the running one is destroyed, then
    /// <paramref name="between"/> runs (it rewrites the learner's progress), all under the cluster's gate, so no terminal,
    /// Check or expiry sees a half-replaced cluster; then a fresh one is created and restored from the new progress.
    /// </summary>
    async Task<ILabCluster?> ReplaceAsync(LearnerId learner, string labId, Func<CancellationToken, Task> between, CancellationToken ct)
    {
        await between(ct);
        return await FindAsync(learner, labId, ct);
    }

    /// <summary>How many times the cluster was created: a terminal holding an older one must start again.</summary>
    int Generation(LearnerId learner, string labId) => 0;
}

public sealed class NoClusterLocator : ILabClusterLocator
{
    public Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct) => Task.FromResult<ILabCluster?>(null);
}
