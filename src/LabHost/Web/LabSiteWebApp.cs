namespace LabSite.LabHost.Web;

using LabSite.LabHost.Web.Learners;
using Microsoft.AspNetCore.DataProtection;

/// <summary>Builds the web application: a table of contents of the areas it hosts.</summary>
public static class LabSiteWebApp
{
    public static WebApplication Build(SiteOptions options, string[] args) => Build(options, args, configure: null);

    /// <param name="configure">Lets tests swap the server (e.g. <c>UseTestServer()</c>) before the app is built.</param>
    public static WebApplication Build(SiteOptions options, string[] args, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddSingleton(options);
        builder.Services.AddSitePages();
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDirectory, "keys")));
        // Per-request logs at Information drown the console and cost throughput; warnings still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Keys sit unencrypted in the data folder by design (it is the operator's folder); don't warn at every start.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseStaticFiles();
        app.UseLearnerIdentity();
        app.UseAntiforgery();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapSitePages();
        return app;
    }
}
