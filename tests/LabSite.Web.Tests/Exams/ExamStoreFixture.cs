using LabSite.Web.Data;
using LabSite.Web.Exams;
using LabSite.Web.Exams.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Exams;

/// <summary>
/// A temp data folder with a migrated exam database and a test bank. <see cref="Open"/> builds fresh stores on a new
/// DbContext each time, which is what a server restart looks like to the stores.
/// </summary>
internal sealed class ExamStoreFixture : IDisposable
{
    public ExamStoreFixture(int perDomain = 3, int questions = 4, int minutes = 90)
    {
        Root = Directory.CreateTempSubdirectory("labsite-exam-").FullName;
        BankDirectory = ExamTestBank.Create(Root, perDomain, questions, minutes);
        Site = new SiteOptions { ContentDirectory = Root, DataDirectory = Path.Combine(Root, "data") };
        Directory.CreateDirectory(Site.DataDirectory);
        Bank = new ExamBankSource(Options.Create(new ExamOptions { BankDirectory = BankDirectory }), Site, NullLogger<ExamBankSource>.Instance);
        using var db = NewContext();
        db.Database.Migrate();
    }

    public string Root { get; }

    public string BankDirectory { get; }

    public SiteOptions Site { get; }

    public ExamBankSource Bank { get; }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));

    public ExamDbContext NewContext() => new(new DbContextOptionsBuilder<ExamDbContext>()
        .UseSqlite(DataExtensions.SqliteConnectionString(Site.DataDirectory), s => s.MigrationsHistoryTable(ExamDbContext.MigrationsHistoryTable))
        .Options);

    public (ExamAttemptStore Attempts, ExamReviewStore Reviews, ExamDbContext Db) Open()
    {
        var db = NewContext();
        var reviews = new ExamReviewStore(db, Time);
        return (new ExamAttemptStore(db, Bank, reviews, Time), reviews, db);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
