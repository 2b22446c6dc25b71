using LabSite.Web.Labs;
using LabSite.Web.Learners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Clusters;

/// <summary>Dismissing the player's restore notice without JavaScript (the interactive cluster status does it over its circuit).</summary>
public static class ClusterNoticeEndpoints
{
    public static IEndpointRouteBuilder MapClusterNoticeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/labs/{labId}/cluster-notice/dismiss", Dismiss).AddEndpointFilter<AntiforgeryCheck>().WithName("DismissClusterNotice");
        return app;
    }

    private static Results<RedirectHttpResult, NotFound> Dismiss(HttpContext context, LabCatalogSource catalog, ClusterNotices notices, string labId)
    {
        if (catalog.Current.Find(labId) is not { } lab)
        {
            return TypedResults.NotFound();
        }
        notices.DismissRestored(context.GetLearnerId(), lab.Id);
        return TypedResults.Redirect(LabRoutes.Play(lab.Id));
    }
}
