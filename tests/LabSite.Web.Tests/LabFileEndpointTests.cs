using System.Net;
using LabSite.Scenarios.Model;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests;

public sealed class LabFileEndpointTests : IAsyncLifetime
{
    private readonly string _labDirectory = Path.Combine(Path.GetTempPath(), "labsite-files-" + Guid.NewGuid().ToString("N"));
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_labDirectory, "manifests"));
        var manifest = Path.Combine(_labDirectory, "manifests", "app.yaml");
        await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: Pod\n");
        await File.WriteAllTextAsync(Path.Combine(_labDirectory, "secret.txt"), "not a lab file");
        var lab = TestLabs.Policy() with
        {
            IntroHtml = "<p>Open <a href=\"manifests/app.yaml\">the manifest</a>.</p>",
            Files = [new LabFile("manifests/app.yaml", manifest)],
        };
        _site = await TestSite.StartAsync(new("/content/labs", [lab], []));
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_labDirectory, recursive: true);
    }

    [Fact]
    public async Task The_overview_links_to_a_lab_file_served_as_sandboxed_text()
    {
        var browser = _site.NewBrowser();
        var overview = await browser.GetPageAsync("/labs/policy-basics");
        var href = overview.QuerySelector(".prose a")!.GetAttribute("href")!;

        var response = await browser.Http.GetAsync(href);

        Assert.Equal("/labs/policy-basics/files/manifests/app.yaml", href);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("apiVersion: v1\nkind: Pod\n", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/labs/policy-basics/files/secret.txt")]
    [InlineData("/labs/policy-basics/files/manifests/../secret.txt")]
    [InlineData("/labs/policy-basics/files/..%2Fsecret.txt")]
    [InlineData("/labs/no-such-lab/files/manifests/app.yaml")]
    public async Task Only_files_in_the_labs_list_are_served(string path)
    {
        var response = await _site.NewBrowser().Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
