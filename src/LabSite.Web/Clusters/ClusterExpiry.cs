using LabSite.Agent.Server;
using LabSite.Web.Admission;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Terminal;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Clusters;

/// <summary>
/// Deletes learners' clusters that sat idle for <see cref="LabClusterOptions.IdleTimeout"/>: no terminal attached,
/// no terminal input and no Check for that long. Deletion goes through the agent's delete path (every kernel object
/// goes), the learner's terminal for the lab ends, and the player says the cluster expired and will be restored on
/// next use. A claimed pool cluster is expired through its learner's seat (the entry's <see cref="ClusterActivity.Entry.Actual"/>
/// name). Only clusters named by <see cref="AgentClusterLocator.ClusterName"/> are considered: clusters someone
/// started with <c>labsite cluster up</c> are not the site's to delete.
/// </summary>
public sealed class ClusterExpiry(
    BackendRouter? agent, ClusterActivity activity, ClusterNotices notices, TerminalSessions terminals,
    IOptions<LabClusterOptions> options, TimeProvider clock, ILogger<ClusterExpiry> log, ClusterAdmission? admission = null) : BackgroundService
{
    // One sweep at a time: the timer's and a test's (or a slow one and the next) must not delete the same cluster twice.
    private readonly SemaphoreSlim _sweeping = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (agent is null)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // An agent that is briefly unreachable must not end expiry for the life of the site.
                log.LogWarning(e, "Looking for idle lab clusters failed; trying again in {Interval}", options.Value.SweepInterval);
            }
        }
    }

    /// <summary>Deletes the clusters idle for too long now; returns their names (sorted).</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        if (agent is null)
        {
            return [];
        }
        await _sweeping.WaitAsync(ct);
        try
        {
            // Learner clusters this site has no record of (it restarted while a separate agent kept them) expire too.
            var listedAt = clock.GetUtcNow();
            var learnerClusters = new List<string>();
            foreach (var running in await agent.ListAsync(ct))
            {
                if (AgentClusterLocator.IsLearnerClusterName(running.Name))
                {
                    activity.Adopt(running.Name, running.LabId);
                    learnerClusters.Add(running.Name);
                }
                else if (WarmPool.IsPoolClusterName(running.Name))
                {
                    // The pool's own (it deletes them) or claimed ones (bound to a seat, expired like any other): slots either way.
                    learnerClusters.Add(running.Name);
                }
            }
            // Admission counts what really runs: slots of vanished clusters go back, unknown running ones take one.
            admission?.Reconcile(learnerClusters, listedAt);
            var expired = new List<string>();
            foreach (var entry in activity.Entries.Where(e => e.Running))
            {
                if (await ExpireIfIdleAsync(entry.Name, ct))
                {
                    expired.Add(entry.Name);
                }
            }
            return expired;
        }
        finally
        {
            _sweeping.Release();
        }
    }

    private async Task<bool> ExpireIfIdleAsync(string name, CancellationToken ct)
    {
        var gate = activity.Gate(name);
        await gate.WaitAsync(ct);
        try
        {
            // Read again under the gate: a Check or a restore may have used the cluster since the snapshot.
            var entry = activity.Find(name);
            if (entry is not { Running: true })
            {
                return false;
            }
            var now = clock.GetUtcNow();
            if (entry.Learner is { } learner && entry.LabId is { } labId && terminals.Activity(learner, labId) is (bool attached, DateTimeOffset lastInput))
            {
                activity.UsedAt(name, attached ? now : lastInput);
                entry = activity.Find(name)!;
            }
            var idle = options.Value.IdleTimeout;
            // A workshop attendee's cluster stays through a coffee break: no idle reaping while their event runs.
            if (now - entry.LastUsed < idle || entry.Learner is { } held && activity.IsHeld(held))
            {
                return false;
            }

            await agent!.DestroyAsync(entry.Actual, ct);
            activity.Deleted(name);
            admission?.Release(entry.Actual);
            if (entry.Learner is { } owner && entry.LabId is { } lab)
            {
                notices.Expired(owner, lab, now, idle);
                terminals.Close(owner, lab, "this lab's cluster expired; it will be restored on next use: reload the page");
            }
            log.LogInformation("Deleted lab cluster {Cluster}: unused since {LastUsed:u}", name, entry.LastUsed);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }
}
