using LabSite.Web.Data;
using LabSite.Web.Progress;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Support;

/// <summary>A real SQLite database in a fresh temp data folder, migrated the way the site does it at start.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly ServiceProvider _provider;

    public TempDatabase()
    {
        Options = new SiteOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "labsite-test-" + Guid.NewGuid().ToString("N")) };
        var services = new ServiceCollection();
        services.AddLabSiteData(Options);
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<LabProgressStore>();
        _provider = services.BuildServiceProvider();
        _provider.MigrateLabSiteDatabase(Options);
    }

    public SiteOptions Options { get; }

    /// <summary>A new scope, as each web request gets: proves data went to the file, not to a tracked entity.</summary>
    public AsyncServiceScope Scope() => _provider.CreateAsyncScope();

    public LabProgressStore NewStore(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<LabProgressStore>();

    public void Dispose()
    {
        _provider.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Options.DataDirectory, recursive: true);
    }
}
