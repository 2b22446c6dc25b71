using LabSite.Scenarios.Model;
using LabSite.Web.Labs.Components;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Labs;

/// <summary>
/// The lab pages' htmx API: fragments (<c>/hx/...</c>, GET) and the actions learners take in the player (POST).
/// Every POST also accepts a plain form submit: without htmx it redirects back to the step, so the site works
/// without JavaScript. The pages themselves are Razor components under Labs/Pages.
/// </summary>
public static class LabEndpoints
{
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(LabRoutes.ResultsFragment, Results).WithName("LabResultsFragment");
        app.MapGet("/labs/{labId}/play", Play).WithName("PlayLab");
        app.MapGet("/hx/labs/{labId}/steps/{stepId}/pane", StepPane).WithName("StepPaneFragment");
        app.MapGet("/hx/labs/{labId}/steps/{stepId}/solution", SolutionFragment).WithName("SolutionFragment");
        app.MapGet("/hx/labs/{labId}/steps/{stepId}/nav", StepNavFragment).WithName("StepNavFragment");
        app.MapGet("/hx/labs/{labId}/steps/{stepId}/completion", CompletionFragment).WithName("StepCompletionFragment");

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

    private static async Task<Results<RazorComponentResult<StepPane>, NotFound>> StepPane(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        var learner = context.GetLearnerId();
        var progress = await store.RecordVisitAsync(learner, lab.Id, step.Id, context.RequestAborted);
        return new RazorComponentResult<StepPane>(new
        {
            Lab = lab,
            Step = step,
            Progress = progress,
            Solution = progress.Step(step.Id).SolutionShown ? SolutionView.Shown : SolutionView.Hidden,
            Focus = true,
        });
    }

    /// <summary>The step list alone, with the learner's progress, when a Check has just completed a step.</summary>
    private static async Task<Results<RazorComponentResult<StepNav>, NotFound>> StepNavFragment(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        var progress = await store.GetAsync(context.GetLearnerId(), lab.Id, context.RequestAborted);
        return new RazorComponentResult<StepNav>(new { Lab = lab, CurrentStepId = step.Id, Progress = progress });
    }

    /// <summary>The step's "done" toggle alone, in its current state (after a Check completed the step).</summary>
    private static async Task<Results<RazorComponentResult<StepCompletion>, NotFound>> CompletionFragment(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        var progress = await store.GetAsync(context.GetLearnerId(), lab.Id, context.RequestAborted);
        return new RazorComponentResult<StepCompletion>(new { LabId = lab.Id, StepId = step.Id, Completed = progress.Step(step.Id).Completed });
    }

    /// <summary>The solution panel before it is shown: asking to confirm, or back to its button (Cancel).</summary>
    private static async Task<Results<RazorComponentResult<SolutionPanel>, NotFound>> SolutionFragment(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId, bool confirm = false)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step) || step.Solution is null)
        {
            return TypedResults.NotFound();
        }

        var shown = (await store.GetAsync(context.GetLearnerId(), lab.Id, context.RequestAborted)).Step(step.Id).SolutionShown;
        var view = shown ? SolutionView.Shown : confirm ? SolutionView.Confirming : SolutionView.Hidden;
        return SolutionPanelResult(lab, step, view);
    }

    private static async Task<Results<RazorComponentResult<HintPanel>, RedirectHttpResult, NotFound>> RevealNextHint(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        var revealed = await store.RevealNextHintAsync(context.GetLearnerId(), lab.Id, step.Id, step.Hints.Count, context.RequestAborted);
        if (!context.Request.IsHtmx())
        {
            return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#hint-{revealed}");
        }

        return new RazorComponentResult<HintPanel>(new { LabId = lab.Id, Step = step, Revealed = revealed, JustRevealed = true });
    }

    private static async Task<Results<RazorComponentResult<SolutionPanel>, RedirectHttpResult, NotFound>> ShowSolution(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step) || step.Solution is null)
        {
            return TypedResults.NotFound();
        }

        await store.ShowSolutionAsync(context.GetLearnerId(), lab.Id, step.Id, context.RequestAborted);
        if (!context.Request.IsHtmx())
        {
            return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#solution");
        }

        return SolutionPanelResult(lab, step, SolutionView.Shown);
    }

    private static async Task<Results<RazorComponentResult<StepCompletionUpdate>, RedirectHttpResult, NotFound>> SetCompletion(
        HttpContext context, LabCatalogSource catalog, LabProgressStore store, string labId, string stepId, bool done)
    {
        if (Find(catalog, labId, stepId) is not var (lab, step))
        {
            return TypedResults.NotFound();
        }

        var learner = context.GetLearnerId();
        await store.SetCompletedAsync(learner, lab.Id, step.Id, done, context.RequestAborted);
        if (!context.Request.IsHtmx())
        {
            return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#step-completion");
        }

        var progress = (await store.GetAsync(learner, lab.Id, context.RequestAborted)).Step(step.Id);
        return new RazorComponentResult<StepCompletionUpdate>(new { LabId = lab.Id, Step = step, Progress = progress });
    }

    private static RazorComponentResult<SolutionPanel> SolutionPanelResult(Lab lab, LabStep step, SolutionView view) =>
        new(new { LabId = lab.Id, StepId = step.Id, Solution = step.Solution!, View = view, Focus = true });

    private static (Lab Lab, LabStep Step)? Find(LabCatalogSource catalog, string labId, string stepId) =>
        catalog.Current.Find(labId) is { } lab && lab.FindStep(stepId) is { } step ? (lab, step) : null;
}
