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

    private static Task<HttpResponseMessage> CheckAsync(TestSite.Browser browser, string token, string? answer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/labs/web-lab/steps/deploy/check")
        {
            Content = new FormUrlEncodedContent(answer is null ? [] : [new KeyValuePair<string, string>("answer-port", answer)]),
        };
        request.Headers.Add(LabSite.Web.Components.AntiforgeryHeader.Name, token);
        return browser.Http.SendAsync(request);
    }

    [Fact]
    public async Task Step_page_prerenders_the_interactive_check_panel_with_a_plain_form_fallback()
    {
        await using var site = await TestSite.StartAsync(Catalog());
        var browser = site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/web-lab/steps/deploy");
        Assert.Equal(2, page.QuerySelectorAll("#checks .check").Length);
        Assert.NotNull(page.QuerySelector("#checks input#answer-port"));
        var form = page.QuerySelector("#checks form")!;
        Assert.Equal(("post", "/labs/web-lab/steps/deploy/check"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
        // The player is an InteractiveServer root: its marker is in the page for blazor.web.js to start the circuit.
        Assert.Contains("<!--Blazor:{\"type\":\"server\"", await (await browser.Http.GetAsync("/labs/web-lab/steps/deploy")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_javascript_a_failing_check_redirects_back_and_a_passing_one_completes_the_step()
    {
        var cluster = new PodsOnlyCluster();
        await using var site = await TestSite.StartAsync(Catalog(), s => s.AddSingleton<ILabClusterLocator>(new FixedLocator(cluster)));
        var browser = site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/web-lab/steps/deploy"));

        var failing = await CheckAsync(browser, token, "8080");
        Assert.Equal(HttpStatusCode.Found, failing.StatusCode);
        Assert.Equal("/labs/web-lab/steps/deploy#checks", failing.Headers.Location!.ToString());
        Assert.DoesNotContain("Done", (await browser.GetPageAsync("/labs/web-lab/steps/deploy")).QuerySelector("#step-completion")!.TextContent);

        cluster.Pods.Add("web");
        Assert.Equal(HttpStatusCode.Found, (await CheckAsync(browser, token, " 80 ")).StatusCode);
        var page = await browser.GetPageAsync("/labs/web-lab/steps/deploy");
        Assert.Contains("Done", page.QuerySelector("#step-completion")!.TextContent);
        Assert.Equal("is-done", page.QuerySelector("#step-nav-deploy")!.ClassName);
    }

    [Fact]
    public async Task Check_needs_the_antiforgery_token_and_a_known_step()
    {
        await using var site = await TestSite.StartAsync(Catalog());
        var browser = site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/web-lab/steps/deploy"));
        Assert.DoesNotContain((await browser.HtmxPostAsync("/labs/web-lab/steps/deploy/check", null)).StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Found });
        Assert.Equal(HttpStatusCode.NotFound, (await browser.HtmxPostAsync("/labs/web-lab/steps/nope/check", token)).StatusCode);
    }
}
