using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Checks;

public sealed class CheckEndpointTests
{
    private static readonly SourceLocation s_at = new("lab.md", 5, 1);

    /// <summary>A cluster holding only pods, for the site's own logic (the evaluators are tested in Grader.Tests).</summary>
    private sealed class PodsOnlyCluster : ILabCluster
    {
        public List<string> Pods { get; } = [];

        public string Name => "c1";

        public string Backend => "fake";

        public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<KubeObject>>(Pods.Where(p => query.Name is null || p == query.Name)
                .Select(p => new KubeObject(new JsonObject { ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = p, ["namespace"] = "default" } }))
                .ToList());

        public Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct) => throw new NotSupportedException();

        public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => Task.FromResult("");
    }

    private sealed class FixedLocator(ILabCluster cluster) : ILabClusterLocator
    {
        public Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct) => Task.FromResult<ILabCluster?>(cluster);
    }

    private static LabCatalog Catalog()
    {
        CheckSpec[] checks =
        [
            new ObjectCheck("web-exists", "The web pod exists", s_at, "Pod", "web", null, ObjectExpectation.Exists, null, null),
            new AnswerCheck("port", "You know the port", s_at, "Which port does web listen on?", new ExpectedAnswer("80", null), [], false),
        ];
        var step = new LabStep("deploy", "Deploy", 0, "<p>Deploy web.</p>", [], [new Hint(1, "<p>kubectl run</p>")], null, checks, s_at);
        var lab = new Lab(new LabMeta("web-lab", "Web", "A web pod.", 5, Difficulty.Beginner, [], [], ["netns"]), "/c/web-lab", "/c/web-lab/lab.md", "", [step], []);
        return new LabCatalog("/c", [lab], []);
    }

    private static Task<(HttpResponseMessage Response, AngleSharp.Dom.IDocument Panel)> CheckAsync(TestSite.Browser browser, string token, string? answer) =>
        browser.HtmxPostFormAsync("/labs/web-lab/steps/deploy/check", token,
            new FormUrlEncodedContent(answer is null ? [] : [new KeyValuePair<string, string>("answer-port", answer)]));

    [Fact]
    public async Task Step_page_shows_the_checks_and_without_a_cluster_says_nothing_can_be_checked_yet()
    {
        await using var site = await TestSite.StartAsync(Catalog());
        var browser = site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/web-lab/steps/deploy");
        Assert.Equal(2, page.QuerySelectorAll("#checks .check").Length);
        Assert.NotNull(page.QuerySelector("#checks input#answer-port"));

        var (_, panel) = await CheckAsync(browser, TestSite.Browser.AntiforgeryToken(page), null);
        Assert.Contains("No cluster is running for this lab yet", panel.QuerySelector(".checks__problem")!.TextContent);
        Assert.All(panel.QuerySelectorAll(".check"), li => Assert.Contains("check--unknown", li.ClassName));
        Assert.Null(panel.QuerySelector("#checks")!.GetAttribute("hx-trigger"));
    }

    [Fact]
    public async Task Failing_checks_explain_and_poll_then_passing_all_completes_the_step_and_stops_polling()
    {
        var cluster = new PodsOnlyCluster();
        await using var site = await TestSite.StartAsync(Catalog(), s => s.AddSingleton<ILabClusterLocator>(new FixedLocator(cluster)));
        var browser = site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/web-lab/steps/deploy"));

        var (_, failing) = await CheckAsync(browser, token, "8080");
        var web = failing.QuerySelector("#check-web-exists")!;
        Assert.Contains("check--failed", web.ClassName);
        Assert.Equal(["Pod default/web exists", "Pod default/web does not exist"], web.QuerySelectorAll(".check__explanation dd").Select(d => d.TextContent));
        Assert.Contains("Next:", web.QuerySelector(".check__hint")!.TextContent);
        Assert.Equal("\"8080\" is not right", failing.QuerySelectorAll("#check-port .check__explanation dd")[1].TextContent);
        Assert.Equal("8080", failing.QuerySelector("#answer-port")!.GetAttribute("value"));
        Assert.Equal("every 5s", failing.QuerySelector("#checks")!.GetAttribute("hx-trigger"));
        Assert.Equal("/labs/web-lab/steps/deploy/check?auto=true", failing.QuerySelector("#checks")!.GetAttribute("hx-post"));
        Assert.Contains("Hint 1 of 1 is waiting", failing.QuerySelector("#checks")!.TextContent);

        cluster.Pods.Add("web");
        var (response, passing) = await CheckAsync(browser, token, " 80 ");
        Assert.Contains("All passed", passing.QuerySelector("#checks-title")!.TextContent);
        Assert.Null(passing.QuerySelector("#checks")!.GetAttribute("hx-trigger"));
        Assert.Equal("step-completed", response.Headers.GetValues("HX-Trigger").Single());
        var page = await browser.GetPageAsync("/labs/web-lab/steps/deploy");
        Assert.Contains("Done", page.QuerySelector("#step-completion")!.TextContent);
    }

    [Fact]
    public async Task The_step_list_and_the_done_mark_refresh_on_step_completed_from_their_own_fragments()
    {
        var cluster = new PodsOnlyCluster();
        await using var site = await TestSite.StartAsync(Catalog(), s => s.AddSingleton<ILabClusterLocator>(new FixedLocator(cluster)));
        var browser = site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/web-lab/steps/deploy");
        var nav = page.QuerySelector("#step-nav")!;
        Assert.Equal(("/hx/labs/web-lab/steps/deploy/nav", "step-completed from:body"), (nav.GetAttribute("hx-get"), nav.GetAttribute("hx-trigger")));
        Assert.Equal("step-completed from:body", page.QuerySelector("#step-completion")!.GetAttribute("hx-trigger"));
        Assert.DoesNotContain("is-done", (await browser.HtmxGetAsync("/hx/labs/web-lab/steps/deploy/nav")).QuerySelector("#step-nav-deploy")!.ClassName ?? "");

        cluster.Pods.Add("web");
        await CheckAsync(browser, TestSite.Browser.AntiforgeryToken(page), "80");
        var fragment = await browser.HtmxGetAsync("/hx/labs/web-lab/steps/deploy/nav");
        Assert.Equal("is-done", fragment.QuerySelector("#step-nav-deploy")!.ClassName);
        Assert.Equal("step", fragment.QuerySelector("#step-nav-deploy a")!.GetAttribute("aria-current"));
        Assert.Contains("Done", (await browser.HtmxGetAsync("/hx/labs/web-lab/steps/deploy/completion")).QuerySelector("#step-completion")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Http.GetAsync("/hx/labs/web-lab/steps/nope/nav")).StatusCode);
    }

    [Fact]
    public async Task Check_needs_the_antiforgery_token_and_a_known_step()
    {
        await using var site = await TestSite.StartAsync(Catalog());
        var browser = site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/web-lab/steps/deploy"));
        Assert.NotEqual(HttpStatusCode.OK, (await browser.HtmxPostAsync("/labs/web-lab/steps/deploy/check", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.HtmxPostAsync("/labs/web-lab/steps/nope/check", token)).StatusCode);
    }
}
