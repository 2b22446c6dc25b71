using LabSite.Clusters.Contract;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Results;
using LabSite.Web.Checks.Components;
using LabSite.Web.Clusters;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Terminal;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Checks;

/// <summary>
/// <c>POST /labs/{labId}/steps/{stepId}/check</c>: evaluates the step's checks against the learner's cluster and
/// returns the <see cref="CheckPanel"/> in its next state; all passing completes the step in the progress store.
/// </summary>
public static class CheckEndpoints
{
    public static IServiceCollection AddCheckEvaluation(this IServiceCollection services)
    {
        services.AddSingleton<CheckEvaluator>();
        return services;
    }

    public static IEndpointRouteBuilder MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/labs/{labId}/steps/{stepId}/check", Check).AddEndpointFilter<AntiforgeryCheck>().WithName("CheckStep");
        return app;
    }

    private static async Task<Results<RazorComponentResult<CheckPanel>, RedirectHttpResult, NotFound>> Check(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, ILabClusterLocator clusters, CheckEvaluator evaluator,
        ClusterNotices notices, TimeProvider clock, string labId, string stepId, bool auto = false)
    {
        var lab = catalog.Current.Find(labId);
        var step = lab?.FindStep(stepId);
        if (lab is null || step is null)
        {
            return TypedResults.NotFound();
        }

        var learner = context.GetLearnerId();
        var ct = context.RequestAborted;
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : null;
        var answers = step.Checks
            .Select(c => (c.Id, Value: form?[$"answer-{c.Id}"].ToString() ?? ""))
            .Where(a => a.Value.Length > 0)
            .ToDictionary(a => a.Id, a => a.Value, StringComparer.Ordinal);

        var noticeBefore = notices.Version(learner, lab.Id);
        // A background re-check finds the cluster only if it runs: it must not keep an idle cluster alive or bring back an expired one.
        var cluster = auto ? await clusters.FindRunningAsync(learner, lab.Id, ct) : await clusters.FindAsync(learner, lab.Id, ct);
        var state = await EvaluateAsync(lab.Id, step, learner, cluster, answers, store, evaluator, notices, clock, ct);
        if (state.AllPassed)
        {
            await store.SetCompletedAsync(learner, lab.Id, step.Id, true, ct);
        }
        if (!context.Request.IsHtmx())
        {
            return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#checks");
        }
        // The step list and the done mark elsewhere on the page follow (see the site's completion event); the cluster
        // notice fetches itself again when this Check restored the cluster.
        var events = new[] { state.AllPassed ? "step-completed" : null, notices.Version(learner, lab.Id) != noticeBefore ? ClusterNoticeEndpoints.ChangedEvent : null };
        if (events.Any(e => e is not null))
        {
            context.Response.Headers["HX-Trigger"] = string.Join(", ", events.OfType<string>());
        }
        var progress = await store.GetAsync(learner, lab.Id, ct);
        return new RazorComponentResult<CheckPanel>(new { LabId = lab.Id, Step = step, State = state, HintsRevealed = progress.Step(step.Id).HintsRevealed });
    }

    private static async Task<CheckPanelState> EvaluateAsync(
        string labId, Scenarios.Model.LabStep step, LearnerId learner, ILabCluster? cluster, IReadOnlyDictionary<string, string> answers,
        LabProgressStore store, CheckEvaluator evaluator, ClusterNotices notices, TimeProvider clock, CancellationToken ct)
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
