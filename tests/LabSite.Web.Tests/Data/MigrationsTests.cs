using LabSite.Web.Data;
using LabSite.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Data;

public sealed class MigrationsTests
{
    [Fact]
    public async Task The_hand_written_snapshot_matches_the_model_and_every_migration_is_applied()
    {
        using var db = new TempDatabase();
        await using var scope = db.Scope();
        var context = scope.ServiceProvider.GetRequiredService<LabSiteDbContext>();

        // A model change without a migration (or a stale snapshot) shows up here, and would make Migrate() throw at boot.
        Assert.False(context.Database.HasPendingModelChanges());
        Assert.Equal(["20261122120000_InitialProgress"], await context.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.True(File.Exists(Path.Combine(db.Options.DataDirectory, "labsite.db")));
    }

    [Fact]
    public async Task Migrating_again_at_the_next_start_changes_nothing()
    {
        using var db = new TempDatabase();
        await using (var scope = db.Scope())
        {
            await db.NewStore(scope).RecordVisitAsync(new(Guid.NewGuid()), "lab", "step");
        }

        var services = new ServiceCollection().AddLabSiteData(db.Options).BuildServiceProvider();
        services.MigrateLabSiteDatabase(db.Options);

        await using var again = services.CreateAsyncScope();
        Assert.Equal(1, await again.ServiceProvider.GetRequiredService<LabSiteDbContext>().LabProgress.CountAsync());
        await services.DisposeAsync();
    }

    [Fact]
    public void An_unusable_data_folder_fails_at_start_naming_it()
    {
        var file = Path.GetTempFileName();
        try
        {
            // A file where the data folder should be: SQLite cannot create labsite.db inside it.
            var options = new LabSite.Web.SiteOptions { DataDirectory = file };
            var services = new ServiceCollection().AddLabSiteData(options).BuildServiceProvider();

            var error = Assert.ThrowsAny<IOException>(() => services.MigrateLabSiteDatabase(options));

            Assert.Contains(file, error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
