namespace LabSite.LabHost.Web;

/// <summary>Builds the web application: a table of contents of the areas it hosts.</summary>
public static class LabSiteWebApp
{
    public static WebApplication Build(SiteOptions options, string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddSingleton(options);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        return app;
    }
}
