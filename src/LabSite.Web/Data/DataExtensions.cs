using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Data;

/// <summary>Registers the site database (SQLite in the data folder) and brings its schema up to date at start.</summary>
public static class DataExtensions
{
    public const string DatabaseFileName = "labsite.db";

    /// <summary>The SQLite connection string for the database in <paramref name="dataDirectory"/>; other contexts share it.</summary>
    public static string SqliteConnectionString(string dataDirectory) =>
        $"Data Source={Path.Combine(dataDirectory, DatabaseFileName)}";

    public static IServiceCollection AddLabSiteData(this IServiceCollection services, SiteOptions options)
    {
        services.AddDbContextPool<LabSiteDbContext>(o => o
            .UseSqlite(
                SqliteConnectionString(options.DataDirectory),
                sqlite => sqlite.MigrationsHistoryTable(LabSiteDbContext.MigrationsHistoryTable))
            .AddInterceptors(new SqlitePragmas()));
        return services;
    }

    /// <summary>Creates the data folder and applies pending migrations; fails at boot, naming the file, if it cannot.</summary>
    public static void MigrateLabSiteDatabase(this IServiceProvider services, SiteOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LabSiteDbContext>();
        try
        {
            db.Database.Migrate();
            // WAL lets page reads go on while a progress write commits; the setting is stored in the file.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"cannot open or migrate the database {Path.Combine(options.DataDirectory, DatabaseFileName)}: {e.Message}", e);
        }
    }
}
