using LabSite.Scenarios.Model;
using LabSite.Web.Labs.Components;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Labs;

/// <summary>
/// The catalog's active search (an htmx fragment), "play", and the player's actions as plain form posts that redirect
/// back to the step: the interactive player does the same over its circuit, these keep the site working without
/// JavaScript. The pages themselves are Razor components under Labs/Pages.
/// </summary>
public static class LabEndpoints
{
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(LabRoutes.ResultsFragment, Results).WithName("LabResultsFragment");
        app.MapGet("/labs/{labId}/play", Play).WithName("PlayLab");

        var actions = app.MapGroup("/labs/{labId}/steps/{stepId}").AddEndpointFilter<AntiforgeryCheck>();
        actions.MapPost("/hints/next", RevealNextHint).WithName("RevealNextHint");
        actions.MapPost("/solution", ShowSolution).WithName("ShowSolution");
        actions.MapPost("/completion", SetCompletion).WithName("SetStepCompletion");
        return app;
    }

    /// <summary>Active search: the filtered result list, and the address bar updated to the equivalent /labs URL.</summary>
    private static async Task<RazorComponentResult<LabResults>> Results(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store,
        string? q, string? tag, string? difficulty, string? domain)
    {
        var filter = LabFilter.From(q, tag, difficulty, domain);
        var labs = catalog.Current.Labs;
        var completed = await store.CompletedStepsByLabAsync(context.GetLearnerId(), context.RequestAborted);
        context.Response.Headers["HX-Replace-Url"] = LabRoutes.Catalog + filter.ToQueryString();
        return new RazorComponentResult<LabResults>(new
        {
            Labs = filter.Apply(labs),
            Total = labs.Count,
            CompletedByLab = completed,
            AsFragment = true,
        });
    }

    /// <summary>Continues where the learner left off, or starts at the first step.</summary>
    private static async Task<Results<RedirectHttpResult, NotFound>> Play(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId)
    {
        var lab = catalog.Current.Find(labId);
        if (lab is null || lab.Steps.Count == 0)
        {
            return TypedResults.NotFound();
        }

        var progress = await store.GetAsync(context.GetLearnerId(), lab.Id, context.RequestAborted);
        var step = (progress.CurrentStepId is { } current ? lab.FindStep(current) : null) ?? lab.Steps[0];
        return TypedResults.Redirect(LabRoutes.Step(lab.Id, step.Id));
    }

    private static async Task<Results<RedirectHttpResult, NotFound>> RevealNextHint(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        var revealed = await store.RevealNextHintAsync(context.GetLearnerId(), lab.Id, step.Id, step.Hints.Count, context.RequestAborted);
        return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#hint-{revealed}");
    }

    private static async Task<Results<RedirectHttpResult, NotFound>> ShowSolution(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step) || step.Solution is null)
        {
            return TypedResults.NotFound();
        }

        await store.ShowSolutionAsync(context.GetLearnerId(), lab.Id, step.Id, context.RequestAborted);
        return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#solution");
    }

    private static async Task<Results<RedirectHttpResult, NotFound>> SetCompletion(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId, bool done)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        await store.SetCompletedAsync(context.GetLearnerId(), lab.Id, step.Id, done, context.RequestAborted);
        return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#step-completion");
    }

    private static (Lab Lab, LabStep Step)? Find(LabCatalogSource catalog, string labId, string stepId) =>
        catalog.Current.Find(labId) is { } lab && lab.FindStep(stepId) is { } step ? (lab, step) : null;
}
