using LabSite.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Workshops.Data;

/// <summary>Chooses the workshop store: PostgreSQL when <see cref="SiteOptions.PostgresConnectionString"/> is set, else the site's SQLite file.</summary>
public static class WorkshopData
{
    public static IServiceCollection AddWorkshopData(this IServiceCollection services, SiteOptions options)
    {
        if (options.PostgresConnectionString is { Length: > 0 } postgres)
        {
            services.AddDbContext<WorkshopDbContext, PostgresWorkshopDbContext>(o => o.UseNpgsql(
                postgres, n => n.MigrationsHistoryTable(WorkshopDbContext.MigrationsHistoryTable)));
        }
        else
        {
            services.AddDbContext<WorkshopDbContext, SqliteWorkshopDbContext>(o => o
                .UseSqlite(
                    DataExtensions.SqliteConnectionString(options.DataDirectory),
                    s => s.MigrationsHistoryTable(WorkshopDbContext.MigrationsHistoryTable))
                .AddInterceptors(new SqlitePragmas()));
        }
        return services;
    }

    /// <summary>Applies pending migrations at start; fails at boot naming the store when it cannot.</summary>
    public static void MigrateWorkshopDatabase(this IServiceProvider services, SiteOptions options)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkshopDbContext>();
        try
        {
            db.Database.Migrate();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            var where = options.PostgresConnectionString is { Length: > 0 } ? "the PostgreSQL database" : Path.Combine(options.DataDirectory, DataExtensions.DatabaseFileName);
            throw new InvalidOperationException($"cannot open or migrate the workshop store in {where}: {e.Message}", e);
        }
    }
}
