using LabSite.Web.Admission;
using LabSite.Web.Checks;
using LabSite.Web.Clusters;
using LabSite.Web.Data;
using LabSite.Web.Exams;
using LabSite.Web.Health;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using LabSite.Web.Workshops.Room;
using LabSite.Web.Workspace;
using Microsoft.AspNetCore.DataProtection;

namespace LabSite.Web;

/// <summary>Builds the web application: a table of contents of the areas it hosts.</summary>
public static class LabSiteWebApp
{
    public static WebApplication Build(SiteOptions options, string[] args) => Build(options, args, configure: null);

    /// <param name="configure">Lets tests adjust the builder (e.g. <c>UseTestServer()</c>, a fixed catalog) before it is built.</param>
    public static WebApplication Build(SiteOptions options, string[] args, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        // Per-request logs at Information drown the console and cost throughput; warnings still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // Keys sit unencrypted in the data folder by design (it is the operator's folder); don't warn at every start.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        builder.Services.AddSingleton(options);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDirectory, "keys")));
        builder.Services.AddLabSiteData(options);
        builder.Services.AddLabs(options);
        builder.Services.AddExams(options);
        builder.Services.AddSitePages();
        builder.Services.AddLabTerminals();
        builder.Services.AddLabClusters();
        builder.Services.AddClusterAdmission();
        builder.Services.AddCheckEvaluation();
        builder.Services.AddWorkshops(options);
        builder.Services.AddWorkshopRoom();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.MigrateLabSiteDatabase(options);
        app.Services.MigrateWorkshopDatabase(options);
        app.Services.LoadLabCatalog();

        app.UseNotFoundPages();
        app.UseStaticFiles();
        app.UseLearnerIdentity();
        app.UseClusterAdmission();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseWebSockets();
        app.MapHealthEndpoints();
        app.MapLabEndpoints();
        app.MapLabFileEndpoints();
        app.MapExamEndpoints();
        app.MapTerminalEndpoints();
        app.MapWorkspaceEndpoints();
        app.MapCheckEndpoints();
        app.MapClusterNoticeEndpoints();
        app.MapWorkshopEndpoints();
        app.MapSitePages();
        return app;
    }
}
