using System.Net;
using System.Text.Json;
using LabSite.Web.Data;
using LabSite.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task A_database_that_lost_its_tables_makes_healthz_answer_503()
    {
        await using var site = await TestSite.StartAsync(TestLabs.Catalog());
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<LabSiteDbContext>().Database.ExecuteSqlRawAsync("DROP TABLE lab_progress");
        }

        var response = await site.NewBrowser().Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unhealthy", json.GetProperty("status").GetString());
        Assert.Equal("unreachable", json.GetProperty("db").GetString());
        Assert.Equal(2, json.GetProperty("labs").GetInt32());
    }
}
