using System.Net;
using AngleSharp.Html.Parser;
using LabSite.Agent.Server;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Clusters;

/// <summary>
/// Restore through the site (TestServer) on the in-memory backend: which steps are replayed, what the terminal and the
/// player say, a failing solution, background re-checks, and two Checks at once. The real datapath is in
/// <see cref="ClusterRestorePrivilegedTests"/>.
/// </summary>
public sealed class ClusterRestoreEndpointTests : IAsyncLifetime
{
    private static readonly SourceLocation s_at = new("lab.md", 5, 1);

    private readonly InMemoryClusterBackend _backend = new();
    private readonly string _labDir = Directory.CreateTempSubdirectory("labsite-restore-lab-").FullName;
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_labDir, "app.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n");
        CheckSpec[] webExists = [new ObjectCheck("web-exists", "The web pod exists", s_at, "Pod", "web", null, ObjectExpectation.Exists, null, null)];
        LabStep[] steps =
        [
            new("deploy", "Deploy", 0, "", [], [], new StepSolution("", ["kubectl create -f app.yaml"]), webExists, s_at),
            new("broken", "Broken", 1, "", [], [], new StepSolution("", ["kubectl create -f missing.yaml"]), [], s_at),
            new("after", "After", 2, "", [], [], new StepSolution("", ["kubectl get pods"]), webExists, s_at),
        ];
        var lab = new Lab(new LabMeta("mini", "Mini", "A pod.", 5, Difficulty.Beginner, [], [], ["netns"]), _labDir, Path.Combine(_labDir, "lab.md"), "", steps, []);
        _site = await TestSite.StartAsync(new LabCatalog("/c", [lab], []), s => s.AddSingleton(new BackendRouter([_backend])));
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_labDir, recursive: true);
    }

    private static async Task<string> CompleteAsync(TestSite.Browser browser, params string[] stepIds)
    {
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/mini/steps/deploy"));
        foreach (var id in stepIds)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.HtmxPostAsync($"/labs/mini/steps/{id}/completion?done=true", token)).StatusCode);
        }
        return token;
    }

    private static async Task<(HttpResponseMessage Response, AngleSharp.Dom.IDocument Panel)> CheckAsync(TestSite.Browser browser, string token, string stepId, bool auto = false)
    {
        var response = await browser.HtmxPostAsync($"/labs/mini/steps/{stepId}/check{(auto ? "?auto=true" : "")}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Completed_steps_are_replayed_in_lab_order_and_the_terminal_and_the_player_say_which()
    {
        var browser = _site.NewBrowser();
        var token = await CompleteAsync(browser, "deploy", "after");
        // Steps done but no cluster, and no record of why (as after a restart of the site with its in-process agent).
        var before = (await browser.GetPageAsync("/labs/mini/steps/after")).QuerySelector("#cluster-notice")!;
        Assert.StartsWith("Your cluster is not running (the lab agent restarted, or the cluster was deleted). It will be created again", before.TextContent.Trim());
        Assert.Equal("cluster-changed from:body, every 3s", before.GetAttribute("hx-trigger"));

        var greeting = await _site.TerminalGreetingAsync("mini", browser.CookieHeader, TimeSpan.FromSeconds(30));

        const string Said = "Your cluster was no longer running (the lab agent restarted, or the cluster was deleted). A new one was created and "
            + "the solutions of steps 1 and 3 (deploy, after) were replayed; your own changes beyond those were not kept. Step 2 (broken) was "
            + "not completed, so only the completed steps were replayed, in lab order. Files in your lab folder were kept.";
        Assert.Contains("[" + Said + "]", greeting);
        var notice = (await browser.GetPageAsync("/labs/mini/steps/after")).QuerySelector("#cluster-notice")!;
        Assert.Equal(Said, notice.QuerySelector(".cluster-notice__text")!.TextContent);
        Assert.Equal("cluster-changed from:body", notice.GetAttribute("hx-trigger"));

        var (_, panel) = await CheckAsync(browser, token, "after");
        Assert.Contains("All passed", panel.QuerySelector("#checks-title")!.TextContent);

        var dismissed = await browser.HtmxPostAsync("/labs/mini/cluster-notice/dismiss", token);
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        Assert.Contains("cluster-notice--none", (await browser.GetPageAsync("/labs/mini/steps/after")).QuerySelector("#cluster-notice")!.ClassName);
    }

    [Fact]
    public async Task A_failing_solution_stops_the_replay_and_the_notice_names_the_step_the_command_and_its_output()
    {
        var browser = _site.NewBrowser();
        var token = await CompleteAsync(browser, "deploy", "broken", "after");

        var (response, panel) = await CheckAsync(browser, token, "deploy");

        Assert.Contains("cluster-changed", response.Headers.GetValues("HX-Trigger").Single());
        Assert.Contains("All passed", panel.QuerySelector("#checks-title")!.TextContent);
        var notice = await browser.HtmxGetAsync("/hx/labs/mini/cluster-notice");
        var text = notice.QuerySelector(".cluster-notice__text")!.TextContent;
        Assert.Contains("A new one was created, but replaying the solution of step 2 (broken) failed: `kubectl create -f missing.yaml` exited with 1.", text);
        Assert.Contains("the cluster has the solution of step 1 (deploy); steps 2–3 (broken, after) were not replayed.", text);
        Assert.Contains("cluster-notice--failed", notice.QuerySelector("#cluster-notice")!.ClassName);
        var details = notice.QuerySelectorAll(".cluster-notice__failure pre").Select(p => p.TextContent).ToList();
        Assert.Equal("kubectl create -f missing.yaml", details[0]);
        Assert.Contains("missing.yaml", details[1]);

        // The cluster is found from now on: a second Check restores nothing and changes no notice.
        var (again, _) = await CheckAsync(browser, token, "deploy");
        Assert.False(again.Headers.Contains("HX-Trigger") && again.Headers.GetValues("HX-Trigger").Single().Contains("cluster-changed"));
        Assert.Single(await _backend.ListAsync(default));
    }

    [Fact]
    public async Task Background_re_checks_neither_create_nor_restore_a_cluster()
    {
        var browser = _site.NewBrowser();
        var token = await CompleteAsync(browser, "deploy");

        var (_, panel) = await CheckAsync(browser, token, "deploy", auto: true);

        Assert.Contains("No cluster is running for this lab yet", panel.QuerySelector(".checks__problem")!.TextContent);
        Assert.Null(panel.QuerySelector("#checks")!.GetAttribute("hx-trigger"));
        Assert.Empty(await _backend.ListAsync(default));
    }

    [Fact]
    public async Task Two_checks_at_once_restore_once()
    {
        var browser = _site.NewBrowser();
        var token = await CompleteAsync(browser, "deploy");

        await Task.WhenAll(CheckAsync(browser, token, "deploy"), CheckAsync(browser, token, "deploy"));

        // A second replay would have failed on "kubectl create" of a pod that exists.
        var text = (await browser.HtmxGetAsync("/hx/labs/mini/cluster-notice")).QuerySelector(".cluster-notice__text")!.TextContent;
        Assert.Contains("the solution of step 1 (deploy) was replayed", text);
        Assert.Single(await _backend.ListAsync(default));
    }
}
