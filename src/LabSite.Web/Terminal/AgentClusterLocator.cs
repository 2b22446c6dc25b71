using System.Text.RegularExpressions;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Learners;

namespace LabSite.Web.Terminal;

/// <summary>
/// Gives each learner one cluster per lab on the lab agent, created the first time the lab is used and found again
/// afterwards (also after a reconnect). When it is gone (expired by <see cref="ClusterExpiry"/>, or the agent
/// restarted) the next use creates it again and <see cref="ClusterRestorer"/> replays the learner's completed steps.
/// A learner without a running cluster first claims a ready one from the <see cref="WarmPool"/> (when given); else a
/// creation first takes a slot from <see cref="ClusterAdmission"/> (when given): a full host queues or refuses it
/// with a <see cref="ClusterAdmissionException"/>. Which cluster serves a learner's lab is <see cref="ClusterActivity"/>'s
/// record for their seat name (<see cref="ClusterName"/>), never the name alone.
/// </summary>
public sealed partial class AgentClusterLocator(
    BackendRouter agent, ClusterActivity? activity = null, ClusterRestorer? restorer = null, ClusterAdmission? admission = null,
    LabClusterRequests? requests = null, WarmPool? pool = null) : ILabClusterLocator
{
    private readonly ClusterActivity _activity = activity ?? new ClusterActivity(TimeProvider.System);

    public async Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct)
    {
        var name = ClusterName(learner, labId);
        // One creation at a time per cluster: two tabs opening together must not both create (or restore) it.
        var gate = _activity.Gate(name);
        await gate.WaitAsync(ct);
        try
        {
            // Names keep 8 hex digits of the learner id: two learners can share a name. A cluster is one person's:
            // refuse rather than hand someone else's to this learner.
            if (_activity.Find(name) is { Learner: { } owner } && owner != learner)
            {
                throw new InvalidOperationException($"the lab cluster {name} belongs to another learner; ask the operator to end it");
            }
            var bound = _activity.Find(name)?.Actual ?? name;
            var cluster = await agent.FindAsync(bound, ct);
            if (cluster is null)
            {
                if (bound != name)
                {
                    // The claimed pool cluster vanished (the agent restarted): its slot goes back; a new cluster comes.
                    admission?.Release(bound);
                }
                (cluster, bound) = await ClaimAsync(learner, labId) is { } claimed ? claimed : (await CreateAsync(name, learner, labId), name);
                _activity.Created(name, learner, labId, bound);
                if (restorer is not null)
                {
                    await restorer.RestoreAsync(learner, labId, cluster);
                }
            }
            _activity.Touch(name, learner, labId);
            return cluster;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A ready pool cluster for the lab that admission lets this learner have, or null.</summary>
    private async Task<(ILabCluster Cluster, string Name)?> ClaimAsync(LearnerId learner, string labId)
    {
        while (pool?.TryClaim(labId, admission?.WorkshopOf(learner)) is { } claim)
        {
            if (admission?.ClaimPooled(claim.Name, learner) is { Outcome: not AdmissionOutcome.Admitted })
            {
                pool.Return(claim);
                return null;
            }
            if (await agent.FindAsync(claim.Name, CancellationToken.None) is { } cluster)
            {
                // A slot kept for this seat by a reset is not needed any more: the pool cluster brought its own.
                admission?.Release(ClusterName(learner, labId));
                return (cluster, claim.Name);
            }
            // Gone under the pool (the agent restarted): drop it and try the next.
            admission?.Release(claim.Name);
        }
        return null;
    }

    private async Task<ILabCluster> CreateAsync(string name, LearnerId learner, string labId)
    {
        if (admission?.Enter(name, learner) is { Outcome: not AdmissionOutcome.Admitted } decision)
        {
            throw new ClusterAdmissionException(decision);
        }
        try
        {
            // Not the request's token: a learner closing the tab mid-restore must not leave a half-made cluster.
            var r = requests ?? LabClusterRequests.Plain;
            var cluster = await agent.Backend(r.BackendFor(labId)).CreateAsync(r.For(name, labId), progress: null, CancellationToken.None);
            admission?.Created(name);
            return cluster;
        }
        catch
        {
            admission?.Release(name);
            throw;
        }
    }

    public async Task<ILabCluster?> ReplaceAsync(LearnerId learner, string labId, Func<CancellationToken, Task> between, CancellationToken ct)
    {
        var name = ClusterName(learner, labId);
        var gate = _activity.Gate(name);
        await gate.WaitAsync(ct);
        try
        {
            if (_activity.Find(name) is { Learner: { } owner } && owner != learner)
            {
                throw new InvalidOperationException($"the lab cluster {name} belongs to another learner; ask the operator to end it");
            }
            // Not the caller's token from here: a closed console must not leave the cluster destroyed and the progress old.
            // A created cluster's admission slot stays: the replacement is created on it at once (or a pool cluster
            // brings its own and this one goes back). A claimed pool cluster's slot is under its own name: it goes now.
            var bound = _activity.Find(name)?.Actual ?? name;
            await agent.DestroyAsync(bound, CancellationToken.None);
            _activity.Deleted(name);
            if (bound != name)
            {
                admission?.Release(bound);
            }
            await between(CancellationToken.None);
        }
        finally
        {
            gate.Release();
        }
        // Whoever uses the lab first (this call, the attendee's terminal) creates it and replays the new progress.
        return await FindAsync(learner, labId, CancellationToken.None);
    }

    public Task<ILabCluster?> FindRunningAsync(LearnerId learner, string labId, CancellationToken ct) =>
        agent.FindAsync(_activity.Find(ClusterName(learner, labId))?.Actual ?? ClusterName(learner, labId), ct);

    public int Generation(LearnerId learner, string labId) => _activity.Generation(ClusterName(learner, labId));

    /// <summary>
    /// A DNS label of at most 32 characters (the agent's rule, since names become parts of kernel object names):
    /// <c>l</c> + the learner id's first 8 hex digits + the lab id, cut to fit.
    /// </summary>
    public static string ClusterName(LearnerId learner, string labId)
    {
        var name = $"l{learner.Value:N}"[..9] + "-" + labId.ToLowerInvariant();
        return (name.Length > 32 ? name[..32] : name).TrimEnd('-');
    }

    /// <summary>Whether a cluster the agent lists has the shape of <see cref="ClusterName"/> (so this site made it for a learner).</summary>
    public static bool IsLearnerClusterName(string name) => LearnerClusterName().IsMatch(name);

    [GeneratedRegex("^l[0-9a-f]{8}-[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex LearnerClusterName();
}
