using LabSite.Testing;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests;

/// <summary>The site on real content: broken labs are listed, valid ones served, and edits picked up without a restart.</summary>
public sealed class LabCatalogReloadTests : IAsyncLifetime
{
    private readonly string _content = Path.Combine(Path.GetTempPath(), "labsite-content-" + Guid.NewGuid().ToString("N"));
    private TestSite _site = null!;
    private string _labFile = "";

    public async Task InitializeAsync()
    {
        var labs = Path.Combine(_content, "labs");
        _labFile = Path.Combine(CopyLab("hello-lab", labs), "lab.md");
        Directory.CreateDirectory(Path.Combine(labs, "half-written"));
        await File.WriteAllTextAsync(Path.Combine(labs, "half-written", "lab.md"), "---\nid: half-written\ntitle: [unclosed\n---\n");
        _site = await TestSite.StartWithContentAsync(_content);
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_content, recursive: true);
    }

    [Fact]
    public async Task A_broken_lab_on_disk_is_listed_with_its_location_and_the_valid_one_is_served()
    {
        var browser = _site.NewBrowser();

        var authors = await browser.GetPageAsync("/authors");
        var broken = authors.QuerySelector("#broken-half-written")!;
        Assert.Matches(@"^labsite-content-[0-9a-f]{32}/labs/half-written/lab\.md:\d+:\d+$", broken.QuerySelector(".diagnostic__location")!.TextContent);
        await browser.GetPageAsync("/labs/hello-lab/play", System.Net.HttpStatusCode.Redirect);
        Assert.Single((await browser.GetPageAsync("/labs")).QuerySelectorAll(".lab-card"));
    }

    [Fact]
    public async Task Editing_a_lab_shows_on_the_next_page_load_and_breaking_it_moves_it_to_authors()
    {
        var browser = _site.NewBrowser();
        var text = await File.ReadAllTextAsync(_labFile);
        var title = System.Text.RegularExpressions.Regex.Match(text, "^title: .*$", System.Text.RegularExpressions.RegexOptions.Multiline).Value;

        await File.WriteAllTextAsync(_labFile, text.Replace(title, "title: Hello again"));
        Assert.True(await Eventually(async () => (await browser.GetPageAsync("/labs")).QuerySelector(".lab-card h2")?.TextContent == "Hello again"));

        await File.WriteAllTextAsync(_labFile, text.Replace(title, "title: [unclosed"));
        Assert.True(await Eventually(async () => (await browser.GetPageAsync("/authors")).QuerySelector("#broken-hello-lab") is not null));
        await browser.GetPageAsync("/labs/hello-lab", System.Net.HttpStatusCode.NotFound);
    }

    /// <summary>Polls a condition (bounded: 100 tries, 100 ms apart) while the watcher picks up a change.</summary>
    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>Copies a real lab into <paramref name="labsDirectory"/>, so a test can edit it.</summary>
    private static string CopyLab(string labId, string labsDirectory)
    {
        var source = RepositoryPaths.Lab(labId);
        var target = Path.Combine(labsDirectory, labId);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }
}
