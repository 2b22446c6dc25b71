namespace LabSite.LabHost.Terminal;

using LabSite.LabHost.Web.Learners;
using LabSite.Sandbox;

/// <summary>
/// Finds the cluster a learner's lab runs on, for that lab's terminal. Until the lab agent is wired into the web app,
/// <see cref="NoClusterLocator"/> answers "none" and kubectl in the terminal says no cluster is running yet.
/// </summary>
public interface ILabClusterLocator
{
    Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct);
}

public sealed class NoClusterLocator : ILabClusterLocator
{
    public Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct) => Task.FromResult<ILabCluster?>(null);
}
