using LabSite.Web.Data;
using LabSite.Web.Labs;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Health;

/// <summary>
/// <c>GET /healthz</c> for operators and load balancers: 200 when the database answers, 503 when not,
/// with the catalog's lab counts so a deploy that lost its content is visible too.
/// </summary>
public static class HealthEndpoints
{
    public sealed record HealthReport(string Status, int Labs, int BrokenLabs, string Db);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Check).WithName("Health");
        return app;
    }

    private static async Task<IResult> Check(LabCatalogSource catalog, LabSiteDbContext db, CancellationToken ct)
    {
        var dbOk = await DatabaseAnswers(db, ct);
        var report = new HealthReport(dbOk ? "ok" : "unhealthy", catalog.Current.Labs.Count, catalog.Current.Broken.Count, dbOk ? "ok" : "unreachable");
        return TypedResults.Json(report, statusCode: dbOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>A real query on a migrated table: opening a SQLite file alone succeeds even when it is empty or damaged.</summary>
    private static async Task<bool> DatabaseAnswers(LabSiteDbContext db, CancellationToken ct)
    {
        try
        {
            await db.LabProgress.AnyAsync(ct);
            return true;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            return false;
        }
    }
}
