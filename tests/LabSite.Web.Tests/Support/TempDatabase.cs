namespace LabSite.Web.Tests.Support;

using LabSite.Web.Data;
using LabSite.Web.Progress;
using LabSite.Web;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

/// <summary>A real SQLite database in a fresh temp data folder, migrated the way the site does it at start.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly ServiceProvider provider;

    public TempDatabase()
    {
        Options = new SiteOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "labsite-test-" + Guid.NewGuid().ToString("N")) };
        var services = new ServiceCollection();
        services.AddLabSiteData(Options);
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<LabProgressStore>();
        provider = services.BuildServiceProvider();
        provider.MigrateLabSiteDatabase(Options);
    }

    public SiteOptions Options { get; }

    /// <summary>A new scope, as each web request gets: proves data went to the file, not to a tracked entity.</summary>
    public AsyncServiceScope Scope() => provider.CreateAsyncScope();

    public LabProgressStore NewStore(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<LabProgressStore>();

    public void Dispose()
    {
        provider.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Options.DataDirectory, recursive: true);
    }
}
