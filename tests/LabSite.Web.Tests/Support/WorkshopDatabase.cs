using LabSite.Web.Data;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabSite.Web.Tests.Support;

/// <summary>
/// A real, migrated workshop store: a fresh SQLite file, or a fresh database on the PostgreSQL server that
/// <c>scripts/setup.sh test</c> starts (connection in LABSITE_TEST_POSTGRES, else its defaults). A server that is
/// not there fails the test: it is never skipped.
/// </summary>
public sealed class WorkshopDatabase : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static readonly TheoryData<string> Providers = [Sqlite, Postgres];

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("LABSITE_TEST_POSTGRES") is { Length: > 0 } env ? env
            : "Host=127.0.0.1;Port=5432;Username=labsite_test;Password=labsite_test;Database=postgres";

    private readonly ServiceProvider _provider;

    public WorkshopDatabase(string provider)
    {
        Provider = provider;
        Options = new SiteOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "labsite-ws-" + Guid.NewGuid().ToString("N")) };
        if (provider == Postgres)
        {
            Options.PostgresConnectionString = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "labsite_ws_" + Guid.NewGuid().ToString("N")[..12] }.ConnectionString;
        }
        Directory.CreateDirectory(Options.DataDirectory);
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options);
        services.AddDataProtection();
        services.AddLabSiteData(Options);
        services.AddWorkshops(Options);
        _provider = services.BuildServiceProvider();
        _provider.MigrateWorkshopDatabase(Options);
    }

    public string Provider { get; }

    public SiteOptions Options { get; }

    public IServiceProvider Services => _provider;

    public AsyncServiceScope Scope() => _provider.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        if (Provider == Postgres)
        {
            await using var scope = Scope();
            await scope.ServiceProvider.GetRequiredService<WorkshopDbContext>().Database.EnsureDeletedAsync();
        }
        await _provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(Options.DataDirectory, recursive: true);
    }
}
