using System.Net;
using LabSite.Agent.Server;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;
using LabSite.Web.Checks;
using LabSite.Web.Clusters;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Clusters;

/// <summary>
/// Restore through the site (TestServer) on the in-memory backend: which steps are replayed, what the terminal and the
/// player say, a failing solution, background re-checks, and two Checks at once. The in-memory cluster has no
/// Kubernetes API for the real kubectl, so the solutions here are lab-shell lines that need none (cat); replayed kubectl
/// lines that change the cluster, on the real datapath behind a real agent, are in <see cref="ClusterRestorePrivilegedTests"/>.
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
        CheckSpec[] nsExists = [new ObjectCheck("ns-exists", "The default namespace exists", s_at, "Namespace", "default", null, ObjectExpectation.Exists, null, null)];
        LabStep[] steps =
        [
            new("deploy", "Deploy", 0, "", [], [], new StepSolution("", ["cat app.yaml"]), nsExists, s_at),
            new("broken", "Broken", 1, "", [], [], new StepSolution("", ["cat missing.yaml"]), [], s_at),
            new("after", "After", 2, "", [], [], new StepSolution("", ["cat app.yaml | wc -l"]), nsExists, s_at),
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
            Assert.Equal(HttpStatusCode.Found, (await browser.HtmxPostAsync($"/labs/mini/steps/{id}/completion?done=true", token)).StatusCode);
        }
        return token;
    }

    /// <summary>A Check as the interactive check panel runs it; returns its state and whether the cluster notice changed.</summary>
    private async Task<(bool NoticeChanged, CheckPanelState State)> CheckAsync(TestSite.Browser browser, string stepId, bool background = false)
    {
        var notices = _site.Services.GetRequiredService<ClusterNotices>();
        var before = notices.Version(browser.Learner, "mini");
        var step = _site.Services.GetRequiredService<LabSite.Web.Labs.LabCatalogSource>().Current.Find("mini")!.FindStep(stepId)!;
        var state = await _site.Services.GetRequiredService<IStepChecker>().CheckAsync(browser.Learner, "mini", step, new Dictionary<string, string>(), background, default);
        return (notices.Version(browser.Learner, "mini") != before, state);
    }

    private static async Task<AngleSharp.Dom.IElement> NoticeAsync(TestSite.Browser browser) =>
        (await browser.GetPageAsync("/labs/mini/steps/deploy")).QuerySelector("#cluster-notice")!;

    [Fact]
    public async Task Completed_steps_are_replayed_in_lab_order_and_the_terminal_and_the_player_say_which()
    {
        var browser = _site.NewBrowser();
        var token = await CompleteAsync(browser, "deploy", "after");
        // Steps done but no cluster, and no record of why (as after a restart of the site with its in-process agent).
        var before = (await browser.GetPageAsync("/labs/mini/steps/after")).QuerySelector("#cluster-notice")!;
        Assert.StartsWith("Your cluster is not running (the lab agent restarted, or the cluster was deleted). It will be created again", before.QuerySelector(".cluster-notice__text")!.TextContent.Trim());
        Assert.Equal("gone", before.GetAttribute("data-state"));

        var greeting = await _site.TerminalGreetingAsync("mini", browser.CookieHeader, TimeSpan.FromSeconds(30));

        const string Said = "Your cluster was no longer running (the lab agent restarted, or the cluster was deleted). A new one was created and "
            + "the solutions of steps 1 and 3 (deploy, after) were replayed; your own changes beyond those were not kept. Step 2 (broken) was "
            + "not completed, so only the completed steps were replayed, in lab order. Files in your lab folder were kept.";
        Assert.Contains("[" + Said + "]", greeting);
        var notice = (await browser.GetPageAsync("/labs/mini/steps/after")).QuerySelector("#cluster-notice")!;
        Assert.Equal(Said, notice.QuerySelector(".cluster-notice__text")!.TextContent);
        Assert.Equal("ready", notice.GetAttribute("data-state"));

        var (_, state) = await CheckAsync(browser, "after");
        Assert.True(state.AllPassed);

        var dismissed = await browser.HtmxPostAsync("/labs/mini/cluster-notice/dismiss", token);
        Assert.Equal(HttpStatusCode.Found, dismissed.StatusCode);
        Assert.Null((await browser.GetPageAsync("/labs/mini/steps/after")).QuerySelector("#cluster-notice .cluster-notice__text"));
    }

    [Fact]
    public async Task A_failing_solution_stops_the_replay_and_the_notice_names_the_step_the_command_and_its_output()
    {
        var browser = _site.NewBrowser();
        await CompleteAsync(browser, "deploy", "broken", "after");

        var (changed, state) = await CheckAsync(browser, "deploy");

        Assert.True(changed);
        Assert.True(state.AllPassed);
        var notice = await NoticeAsync(browser);
        var text = notice.QuerySelector(".cluster-notice__text")!.TextContent;
        Assert.Contains("A new one was created, but replaying the solution of step 2 (broken) failed: `cat missing.yaml` exited with 1.", text);
        Assert.Contains("the cluster has the solution of step 1 (deploy); steps 2–3 (broken, after) were not replayed.", text);
        Assert.Contains("cluster-notice--failed", notice.ClassName);
        var details = notice.QuerySelectorAll(".cluster-notice__failure pre").Select(p => p.TextContent).ToList();
        Assert.Equal("cat missing.yaml", details[0]);
        Assert.Contains("missing.yaml", details[1]);

        // The cluster is found from now on: a second Check restores nothing and changes no notice.
        var (changedAgain, _) = await CheckAsync(browser, "deploy");
        Assert.False(changedAgain);
        Assert.Single(await _backend.ListAsync(default));
    }

    [Fact]
    public async Task Background_re_checks_neither_create_nor_restore_a_cluster()
    {
        var browser = _site.NewBrowser();
        await CompleteAsync(browser, "deploy");

        var (_, state) = await CheckAsync(browser, "deploy", background: true);

        Assert.Contains("No cluster is running for this lab yet", state.Problem);
        Assert.False(state.KeepPolling(hasOnlyAnswerChecks: false));
        Assert.Empty(await _backend.ListAsync(default));
    }

    [Fact]
    public async Task Two_checks_at_once_restore_once()
    {
        var browser = _site.NewBrowser();
        await CompleteAsync(browser, "deploy");

        await Task.WhenAll(CheckAsync(browser, "deploy"), CheckAsync(browser, "deploy"));

        // One cluster, restored once: the notice of a second restore would replace this one.
        var text = (await NoticeAsync(browser)).QuerySelector(".cluster-notice__text")!.TextContent;
        Assert.Contains("the solution of step 1 (deploy) was replayed", text);
        Assert.Single(await _backend.ListAsync(default));
    }
}
