using LabSite.Grader.Evaluation;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Checks;

/// <summary>
/// <c>POST /labs/{labId}/steps/{stepId}/check</c>: the Check form without JavaScript (the interactive check panel calls
/// <see cref="IStepChecker"/> over its circuit). Evaluates the step's checks, which completes the step when all pass,
/// and redirects back to the step.
/// </summary>
public static class CheckEndpoints
{
    public static IServiceCollection AddCheckEvaluation(this IServiceCollection services)
    {
        services.AddSingleton<CheckEvaluator>();
        services.AddSingleton<IStepChecker, StepChecker>();
        return services;
    }

    public static IEndpointRouteBuilder MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/labs/{labId}/steps/{stepId}/check", Check).AddEndpointFilter<AntiforgeryCheck>().WithName("CheckStep");
        return app;
    }

    private static async Task<Results<RedirectHttpResult, NotFound>> Check(
        HttpContext context, LabCatalogSource catalog, IStepChecker checker, string labId, string stepId)
    {
        var lab = catalog.Current.Find(labId);
        var step = lab?.FindStep(stepId);
        if (lab is null || step is null)
        {
            return TypedResults.NotFound();
        }

        var ct = context.RequestAborted;
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : null;
        var answers = step.Checks
            .Select(c => (c.Id, Value: form?[$"answer-{c.Id}"].ToString() ?? ""))
            .Where(a => a.Value.Length > 0)
            .ToDictionary(a => a.Id, a => a.Value, StringComparer.Ordinal);
        await checker.CheckAsync(context.GetLearnerId(), lab.Id, step, answers, background: false, ct);
        return TypedResults.Redirect($"{LabRoutes.Step(lab.Id, step.Id)}#checks");
    }
}
