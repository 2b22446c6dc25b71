using LabSite.Agent.Server;
using LabSite.Web.Clusters.Components;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Terminal;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Clusters;

/// <summary>The player's cluster notice as an htmx fragment, and dismissing it.</summary>
public static class ClusterNoticeEndpoints
{
    /// <summary>The HX-Trigger event that makes the notice fetch itself again (sent when a Check restored the cluster).</summary>
    public const string ChangedEvent = "cluster-changed";

    public static IEndpointRouteBuilder MapClusterNoticeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hx/labs/{labId}/cluster-notice", Notice).WithName("ClusterNoticeFragment");
        app.MapPost("/labs/{labId}/cluster-notice/dismiss", Dismiss).AddEndpointFilter<AntiforgeryCheck>().WithName("DismissClusterNotice");
        return app;
    }

    /// <summary>
    /// The notice the player shows now: the stored one, else "not running" when the learner completed steps, the site
    /// has a lab agent, and no cluster runs for them (the site restarted, so nothing was recorded about it).
    /// </summary>
    public static async Task<ClusterNotice?> CurrentAsync(
        HttpContext context, ClusterNotices notices, ILabClusterLocator clusters, LearnerId learner, string labId, int completedSteps)
    {
        if (notices.Get(learner, labId) is { } stored)
        {
            return stored;
        }
        var hasAgent = context.RequestServices.GetService<BackendRouter>() is not null;
        return hasAgent && completedSteps > 0 && await clusters.FindRunningAsync(learner, labId, context.RequestAborted) is null
            ? ClusterNotices.NotRunning(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
            : null;
    }

    private static async Task<Results<RazorComponentResult<ClusterNoticePanel>, NotFound>> Notice(
        HttpContext context, LabCatalogSource catalog, ClusterNotices notices, ILabClusterLocator clusters, LabProgressStore store, string labId)
    {
        if (catalog.Current.Find(labId) is not { } lab)
        {
            return TypedResults.NotFound();
        }
        var learner = context.GetLearnerId();
        var completed = (await store.GetAsync(learner, lab.Id, context.RequestAborted)).CompletedCount;
        return Panel(lab.Id, await CurrentAsync(context, notices, clusters, learner, lab.Id, completed));
    }

    private static Results<RazorComponentResult<ClusterNoticePanel>, RedirectHttpResult, NotFound> Dismiss(
        HttpContext context, LabCatalogSource catalog, ClusterNotices notices, string labId)
    {
        if (catalog.Current.Find(labId) is not { } lab)
        {
            return TypedResults.NotFound();
        }
        var learner = context.GetLearnerId();
        // Only a finished restore's notice goes away: "expired" and "restoring" stay true until the cluster is back.
        if (notices.Get(learner, lab.Id)?.Kind == ClusterNoticeKind.Restored)
        {
            notices.Dismiss(learner, lab.Id);
        }
        if (!context.Request.IsHtmx())
        {
            return TypedResults.Redirect(LabRoutes.Play(lab.Id));
        }
        return Panel(lab.Id, notices.Get(learner, lab.Id));
    }

    private static RazorComponentResult<ClusterNoticePanel> Panel(string labId, ClusterNotice? notice) =>
        new(new { LabId = labId, Notice = notice });
}
