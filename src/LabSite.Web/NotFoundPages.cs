using Microsoft.AspNetCore.Diagnostics;

namespace LabSite.Web;

/// <summary>
/// A missing page renders the site's "not found" page; htmx fragments and form posts keep their bare
/// status code instead, since their response is swapped into a page or answers a script.
/// </summary>
public static class NotFoundPages
{
    public const string Path = "/not-found";

    public static WebApplication UseNotFoundPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute(Path, createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (context.Request.IsHtmx() || !HttpMethods.IsGet(context.Request.Method))
            {
                context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }

            return next(context);
        });
        return app;
    }
}
