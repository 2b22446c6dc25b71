using LabSite.Clusters.Contract;
using LabSite.Scenarios.Model;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Solutions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Clusters;

/// <summary>
/// Brings a learner's newly created cluster to the state their progress says they reached: the cluster starts as
/// <c>labsite lab test</c> starts one (fresh, for the lab), then the solution blocks of each completed step run in
/// lab order through <see cref="ShellSolutionRunner"/>, in a copy of the lab folder, exactly as lab test runs them.
/// The learner's own lab folder is left alone. The caller holds the cluster's gate.
/// </summary>
public sealed class ClusterRestorer(
    LabCatalogSource catalog, IServiceScopeFactory scopes, ClusterNotices notices,
    IOptions<LabClusterOptions> options, TimeProvider clock, ILogger<ClusterRestorer> log)
{
    /// <summary>Replays into <paramref name="cluster"/>; says nothing when there is nothing to say (a first start).</summary>
    public async Task RestoreAsync(LearnerId learner, string labId, ILabCluster cluster)
    {
        if (catalog.Current.Find(labId) is not { } lab)
        {
            return;
        }
        var reason = notices.Get(learner, labId)?.Kind == ClusterNoticeKind.Expired ? RestoreReason.Expired : RestoreReason.NotRunning;
        var progress = await ProgressAsync(learner, labId);
        var completed = lab.Steps.Where(s => progress.Step(s.Id).Completed).ToList();
        if (completed.Count == 0 && reason == RestoreReason.NotRunning)
        {
            return;
        }

        notices.Restoring(learner, labId, clock.GetUtcNow(), completed.Count == 0
            ? "Your cluster had expired; a new one is being created."
            : $"Your cluster is being created again and the {(completed.Count == 1 ? "solution" : "solutions")} of {StepText.List(completed)} {(completed.Count == 1 ? "is" : "are")} being replayed. This takes a moment.");
        var started = clock.GetTimestamp();
        var (replayed, failure) = await ReplayAsync(lab, completed, cluster);
        var last = completed.Count == 0 ? -1 : completed[^1].Index;
        var skipped = lab.Steps.Where(s => s.Index < last && !completed.Contains(s)).ToList();
        var report = new ClusterRestoreReport(lab.Id, reason, clock.GetUtcNow(), completed, replayed, skipped, failure);
        notices.Restored(learner, labId, report);
        log.LogInformation("Restored cluster {Cluster} for lab {Lab} in {Elapsed:0.0} s: {Summary}",
            cluster.Name, lab.Id, clock.GetElapsedTime(started).TotalSeconds, report.Summary);
    }

    /// <summary>Runs each step's solution blocks in order; stops at the first block that fails (see <see cref="ClusterRestoreReport"/>).</summary>
    private async Task<(List<LabStep> Replayed, ReplayFailure? Failure)> ReplayAsync(Lab lab, IReadOnlyList<LabStep> steps, ILabCluster cluster)
    {
        var replayed = new List<LabStep>();
        using var work = new LabWorkingCopy(lab.Directory);
        var runner = new ShellSolutionRunner(work.Path);
        using var timeout = new CancellationTokenSource(options.Value.RestoreTimeout, clock);
        foreach (var step in steps)
        {
            foreach (var block in step.Solution?.Commands ?? [])
            {
                var failure = await RunAsync(runner, cluster, step, block, timeout.Token);
                if (failure is not null)
                {
                    return (replayed, failure);
                }
            }
            replayed.Add(step);
        }
        return (replayed, null);
    }

    private async Task<ReplayFailure?> RunAsync(ShellSolutionRunner runner, ILabCluster cluster, LabStep step, string block, CancellationToken ct)
    {
        try
        {
            var run = await runner.RunAsync(cluster, block, ct);
            return run.ExitCode == 0 ? null : new ReplayFailure(step, block, run.ExitCode, run.Output);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new ReplayFailure(step, block, -1, $"the replay did not finish within {options.Value.RestoreTimeout:c} (LabClusterOptions:RestoreTimeout)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever broke, the learner is told which step and block it was, never left with a silent half-restore.
            return new ReplayFailure(step, block, -1, e.Message);
        }
    }

    private async Task<LabProgress> ProgressAsync(LearnerId learner, string labId)
    {
        // The store is scoped (one database context per request); restores run outside any request's scope.
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LabProgressStore>().GetAsync(learner, labId);
    }
}
