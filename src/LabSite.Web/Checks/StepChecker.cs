using LabSite.Clusters.Contract;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Terminal;

namespace LabSite.Web.Checks;

/// <summary>Runs a step's checks for a learner: what the check panel (and the no-JavaScript Check form) asks for.</summary>
public interface IStepChecker
{
    /// <param name="background">A live re-check: finds the cluster only if it runs, so it never keeps one alive or restores it.</param>
    Task<CheckPanelState> CheckAsync(LearnerId learner, string labId, LabStep step, IReadOnlyDictionary<string, string> answers, bool background, CancellationToken ct);
}

/// <summary>
/// Evaluates the step's checks against the learner's cluster; all passing completes the step in the progress store.
/// Singleton: each call takes its own progress-store scope, as circuits outlive requests and a DbContext is not shared.
/// </summary>
public sealed class StepChecker(IServiceScopeFactory scopes, ILabClusterLocator clusters, CheckEvaluator evaluator, ClusterNotices notices, TimeProvider clock) : IStepChecker
{
    public async Task<CheckPanelState> CheckAsync(
        LearnerId learner, string labId, LabStep step, IReadOnlyDictionary<string, string> answers, bool background, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<LabProgressStore>();
        var cluster = background ? await clusters.FindRunningAsync(learner, labId, ct) : await clusters.FindAsync(learner, labId, ct);
        var state = await EvaluateAsync(labId, step, learner, cluster, answers, store, ct);
        if (state.AllPassed)
        {
            await store.SetCompletedAsync(learner, labId, step.Id, true, ct);
        }
        return state;
    }

    private async Task<CheckPanelState> EvaluateAsync(
        string labId, LabStep step, LearnerId learner, ILabCluster? cluster, IReadOnlyDictionary<string, string> answers, LabProgressStore store, CancellationToken ct)
    {
        if (cluster is null)
        {
            var waiting = step.Checks
                .Select(c => new CheckResult(c.Id, c.Title, CheckOutcome.CannotCheck, c.Title, "cannot check yet: no cluster is running for this lab", []))
                .ToList();
            var problem = notices.Get(learner, labId)?.Kind == ClusterNoticeKind.Expired
                ? "Your cluster expired. Press Check (or use the terminal) to create it again with the solutions of your completed steps replayed."
                : "No cluster is running for this lab yet, so nothing can be checked. Start the lab's cluster, then press Check.";
            return new CheckPanelState(waiting, problem, answers);
        }

        var times = await store.StepTimesAsync(learner, labId, step.Id, ct);
        var now = clock.GetUtcNow();
        var results = new List<CheckResult>();
        foreach (var check in CheckEvaluator.EvaluationOrder(step.Checks))
        {
            var context = new CheckContext(cluster, times.StepVisitedAt ?? now, times.LabStartedAt ?? now, answers.GetValueOrDefault(check.Id));
            results.Add(await evaluator.EvaluateAsync(check, context, ct));
        }
        var ordered = step.Checks.Select(c => results.First(r => r.CheckId == c.Id)).ToList();
        return new CheckPanelState(ordered, null, answers);
    }
}
