using LabSite.Testing;
using LabSite.Web;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Cli.Tests;

/// <summary><c>labsite workshop create --staff</c>: staff must be existing accounts; a typo creates nothing.</summary>
public sealed class WorkshopCommandsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("labsite-cli-ws-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private Task<int> CreateAsync(params string[] staff) => LabSiteCommandLine.Create().Parse(
        ["workshop", "create", "--title", "Cilium 101", "--lab", "starwars", "--start", "2026-12-10T09:00Z", "--seats", "3",
         "--content", RepositoryPaths.Content, "--data", _data, .. staff.SelectMany(s => new[] { "--staff", s })]).InvokeAsync();

    [Fact]
    public async Task Staff_must_be_existing_accounts_and_a_missing_one_leaves_no_workshop_behind()
    {
        await using (var provider = WorkshopServices.Build(new SiteOptions { DataDirectory = _data }))
        {
            await using var scope = provider.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<InstructorAccounts>();
            Assert.True((await accounts.CreateFirstAdminAsync("teacher@example.org", "correct horse battery")).Succeeded);
        }

        Assert.Equal(1, await CreateAsync("teacher@example.org", "typo@example.org"));
        Assert.Equal(0, await CreateAsync("Teacher@Example.org"));

        await using var check = WorkshopServices.Build(new SiteOptions { DataDirectory = _data });
        await using var db = check.CreateAsyncScope();
        var context = db.ServiceProvider.GetRequiredService<WorkshopDbContext>();
        var workshop = Assert.Single(await context.Workshops.Include(w => w.Staff).ToListAsync());
        Assert.Single(workshop.Staff);
    }
}
