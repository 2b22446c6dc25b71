using System.Net;
using System.Text;
using AngleSharp.Dom;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workspace;

namespace LabSite.Web.Tests.Workspace;

/// <summary>
/// The editor tab's endpoints on the real site pipeline: listing, opening, saving and creating files in the learner's
/// lab folder, and every kind of bad path or text refused with a message that says what and why.
/// </summary>
public sealed class WorkspaceEndpointTests : IAsyncLifetime
{
    private TestSite _site = null!;
    private string _files = null!;

    public async Task InitializeAsync()
    {
        _files = Directory.CreateTempSubdirectory("labsite-workspace-files-").FullName;
        Directory.CreateDirectory(Path.Combine(_files, "manifests"));
        File.WriteAllText(Path.Combine(_files, "manifests", "app.yaml"), "kind: Pod\n");
        var lab = TestLabs.Policy() with { Files = [new("manifests/app.yaml", Path.Combine(_files, "manifests", "app.yaml"))] };
        _site = await TestSite.StartAsync(new("/content/labs", [lab], []));
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    private const string Panel = "/hx/labs/policy-basics/workspace";

    /// <summary>A browser that has loaded the player (so it has a learner cookie and the antiforgery token).</summary>
    private async Task<(TestSite.Browser Browser, string Token)> LearnerAsync()
    {
        var browser = _site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        return (browser, TestSite.Browser.AntiforgeryToken(page));
    }

    private static async Task<IDocument> PostAsync(TestSite.Browser browser, string token, string path, HttpContent content) =>
        (await browser.HtmxPostFormAsync(path, token, content)).Fragment;

    private static Task<IDocument> SaveAsync(TestSite.Browser browser, string token, string path, string content) =>
        PostAsync(browser, token, WorkspaceRoutes.Save("policy-basics"), new FormUrlEncodedContent([new("path", path), new("content", content)]));

    private static string? Error(IDocument panel) => panel.QuerySelector(".workspace__error")?.TextContent;

    private string LearnerFolder(string containing) =>
        Directory.GetDirectories(Path.Combine(_site.Options.DataDirectory, "terminals"))
            .Select(d => Path.Combine(d, "policy-basics"))
            .Single(d => File.Exists(Path.Combine(d, containing)));

    [Fact]
    public async Task Lists_opens_saves_and_creates_files_in_the_learners_lab_folder()
    {
        var (browser, token) = await LearnerAsync();
        var panel = await browser.HtmxGetAsync(Panel);
        Assert.Equal(["manifests/app.yaml"], panel.QuerySelectorAll(".workspace__file").Select(b => b.TextContent));

        var open = await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", "manifests/app.yaml"));
        Assert.Equal("kind: Pod\n", open.QuerySelector("#workspace-text")!.TextContent);
        Assert.Equal("true", open.QuerySelector(".workspace__file")!.GetAttribute("aria-current"));

        // Browsers send a textarea's lines with CR LF; the file keeps LF, as the shell would write it.
        var saved = await SaveAsync(browser, token, "manifests/app.yaml", "kind: Pod\r\nmetadata:\r\n  name: web\r\n");
        Assert.Equal("Saved manifests/app.yaml.", saved.QuerySelector(".workspace__status")!.TextContent);
        Assert.Equal("kind: Pod\nmetadata:\n  name: web\n", File.ReadAllText(Path.Combine(LearnerFolder("manifests/app.yaml"), "manifests/app.yaml")));

        var created = await PostAsync(browser, token, WorkspaceRoutes.Create("policy-basics"), new FormUrlEncodedContent([new("path", "policy.yaml")]));
        Assert.Equal("", created.QuerySelector("#workspace-text")!.TextContent);
        Assert.Equal(["manifests/app.yaml", "policy.yaml"], created.QuerySelectorAll(".workspace__file").Select(b => b.TextContent));
        var again = await PostAsync(browser, token, WorkspaceRoutes.Create("policy-basics"), new FormUrlEncodedContent([new("path", "policy.yaml")]));
        Assert.Equal("policy.yaml: already exists; open it from the list", Error(again));
        Assert.Equal("policy.yaml", again.QuerySelector("#workspace-new-path")!.GetAttribute("value"));
    }

    [Theory]
    [InlineData("../x.yaml", "../x.yaml: .. leaves the lab folder; files live in the lab folder only")]
    [InlineData("/etc/passwd", "/etc/passwd: absolute paths are outside the lab folder; use a name relative to it")]
    [InlineData("a\0b.yaml", "a?b.yaml: control characters are not allowed in file names")]
    [InlineData("~/x.yaml", "~/x.yaml: ~ (home) is outside the lab folder; use a name relative to it")]
    [InlineData("manifests", "manifests: is a folder; pick a file in it")]
    [InlineData("missing.yaml", "missing.yaml: no such file in the lab folder")]
    public async Task Opening_a_bad_path_says_what_is_wrong(string path, string error)
    {
        var (browser, _) = await LearnerAsync();
        var panel = await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", path));
        Assert.Equal(error, Error(panel));
        Assert.Null(panel.QuerySelector("#workspace-text"));
    }

    [Theory]
    [InlineData("../x.yaml", ".. leaves the lab folder")]
    [InlineData("/tmp/x.yaml", "absolute paths are outside the lab folder")]
    [InlineData("x\t.yaml", "control characters are not allowed in file names")]
    [InlineData("nofolder/x.yaml", "its folder does not exist")]
    [InlineData("", "empty file name")]
    public async Task Saving_to_a_bad_path_is_refused_and_keeps_the_text(string path, string error)
    {
        var (browser, token) = await LearnerAsync();
        var panel = await SaveAsync(browser, token, path, "kind: Pod\n");
        Assert.Contains(error, Error(panel));
        Assert.Equal("kind: Pod\n", panel.QuerySelector("#workspace-text")!.TextContent);
    }

    [Fact]
    public async Task Text_too_large_with_nul_or_not_utf8_is_refused()
    {
        var (browser, token) = await LearnerAsync();
        var large = await SaveAsync(browser, token, "big.yaml", new string('a', WorkspaceFiles.MaxEditorBytes + 1));
        Assert.Equal("big.yaml: the text is larger than 512 KiB, more than the editor saves; nothing was saved", Error(large));

        // Past the framework's form limits (4 MiB per value) the form cannot even be read: still a clear answer.
        var huge = await SaveAsync(browser, token, "big.yaml", new string('a', 5 * 1024 * 1024));
        Assert.Equal("the file is too large to save here; the editor saves up to 512 KiB", Error(huge));

        // The framework refuses NUL in any form value (text or name) before the editor sees it; the panel says so.
        var nul = await SaveAsync(browser, token, "nul.yaml", "a\0b");
        Assert.Equal("the text or the file name holds NUL characters, which text files cannot; nothing was saved", Error(nul));
        Assert.Equal(Error(nul), Error(await SaveAsync(browser, token, "x\0.yaml", "a")));

        // A Latin-1 body (é as the single byte E9): the form reader decodes UTF-8 and marks the bad byte with U+FFFD.
        var bytes = new ByteArrayContent([.. Encoding.ASCII.GetBytes("path=bad.yaml&content=caf"), 0xE9]);
        bytes.Headers.ContentType = new("application/x-www-form-urlencoded");
        var notUtf8 = await PostAsync(browser, token, WorkspaceRoutes.Save("policy-basics"), bytes);
        Assert.Equal("bad.yaml: the text is not valid UTF-8 (it holds U+FFFD replacement characters); nothing was saved", Error(notUtf8));

        var list = await browser.HtmxGetAsync(Panel);
        Assert.Equal(["manifests/app.yaml"], list.QuerySelectorAll(".workspace__file").Select(b => b.TextContent));
    }

    [Fact]
    public async Task Files_that_are_not_utf8_text_or_too_large_do_not_open()
    {
        var (browser, token) = await LearnerAsync();
        await SaveAsync(browser, token, "seed.yaml", "x");
        var folder = LearnerFolder("seed.yaml");
        File.WriteAllBytes(Path.Combine(folder, "latin1.txt"), [0x63, 0x61, 0x66, 0xE9]);
        File.WriteAllBytes(Path.Combine(folder, "binary.bin"), [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01]);
        File.WriteAllText(Path.Combine(folder, "large.txt"), new string('a', WorkspaceFiles.MaxEditorBytes + 1));

        Assert.Equal("latin1.txt: is not UTF-8 text, so the editor cannot open it", Error(await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", "latin1.txt"))));
        Assert.Equal("binary.bin: holds NUL bytes (a binary file), so the editor cannot open it", Error(await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", "binary.bin"))));
        Assert.Equal("large.txt: is larger than 512 KiB, more than the editor opens; use the terminal", Error(await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", "large.txt"))));
    }

    [Fact]
    public async Task Another_learners_folder_is_out_of_reach()
    {
        var (other, otherToken) = await LearnerAsync();
        await SaveAsync(other, otherToken, "secret.yaml", "token: other\n");
        var otherFolder = LearnerFolder("secret.yaml");
        var otherId = Path.GetFileName(Path.GetDirectoryName(otherFolder))!;

        var (browser, token) = await LearnerAsync();
        await SaveAsync(browser, token, "mine.yaml", "x");
        var list = await browser.HtmxGetAsync(Panel);
        Assert.DoesNotContain("secret.yaml", list.QuerySelectorAll(".workspace__file").Select(b => b.TextContent));

        var traversal = await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", $"../../{otherId}/policy-basics/secret.yaml"));
        Assert.Contains(".. leaves the lab folder", Error(traversal));
        var absolute = await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", Path.Combine(otherFolder, "secret.yaml")));
        Assert.Contains("absolute paths are outside the lab folder", Error(absolute));

        // A link planted in the learner's folder (not something the shell or editor can make) is not followed either way.
        File.CreateSymbolicLink(Path.Combine(LearnerFolder("mine.yaml"), "link.yaml"), Path.Combine(otherFolder, "secret.yaml"));
        Assert.Equal("link.yaml: symbolic links are not followed in the lab folder", Error(await browser.HtmxGetAsync(WorkspaceRoutes.Panel("policy-basics", "link.yaml"))));
        Assert.Contains("symbolic links are not followed", Error(await SaveAsync(browser, token, "link.yaml", "overwritten")));
        Assert.Equal("token: other\n", File.ReadAllText(Path.Combine(otherFolder, "secret.yaml")));
    }

    [Fact]
    public async Task Saving_needs_the_antiforgery_token_and_a_known_lab()
    {
        var (browser, token) = await LearnerAsync();
        var forged = new HttpRequestMessage(HttpMethod.Post, WorkspaceRoutes.Save("policy-basics"))
        {
            Content = new FormUrlEncodedContent([new("path", "x.yaml"), new("content", "x")]),
        };
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.HtmxPostAsync(WorkspaceRoutes.Save("no-such-lab"), token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Http.GetAsync("/hx/labs/no-such-lab/workspace")).StatusCode);
    }
}
