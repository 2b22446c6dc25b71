using LabSite.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Tests.Exams;

public sealed class ExamMigrationsTests : IDisposable
{
    private readonly ExamStoreFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public void The_hand_written_snapshot_matches_the_model()
    {
        using var db = _fx.NewContext();
        Assert.False(db.Database.HasPendingModelChanges(), "ExamDbContext changed without a migration and snapshot update");
        Assert.Empty(db.Database.GetPendingMigrations());
    }

    [Fact]
    public void Exam_and_site_tables_share_one_file_with_separate_history_tables()
    {
        using (var site = new LabSiteDbContext(new DbContextOptionsBuilder<LabSiteDbContext>()
            .UseSqlite(DataExtensions.SqliteConnectionString(_fx.Site.DataDirectory), s => s.MigrationsHistoryTable(LabSiteDbContext.MigrationsHistoryTable))
            .Options))
        {
            site.Database.Migrate();
        }
        using var connection = new SqliteConnection(DataExtensions.SqliteConnectionString(_fx.Site.DataDirectory));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        var tables = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains("__ExamMigrationsHistory", tables);
        Assert.Contains("__labsite_migrations", tables);
        Assert.Contains("exam_attempts", tables);
        Assert.Contains("exam_attempt_items", tables);
        Assert.Contains("exam_reviews", tables);
        Assert.Contains("lab_progress", tables);
    }
}
