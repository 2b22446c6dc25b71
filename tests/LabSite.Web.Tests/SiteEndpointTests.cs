using System.Net;
using System.Text.Json;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests;

/// <summary>The site end to end over HTTP (in-memory server): pages, htmx fragments, actions, cookies, health.</summary>
public sealed class SiteEndpointTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(TestLabs.Catalog(TestLabs.Broken()));

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Pages_load_blazor_web_js_and_the_site_serves_it()
    {
        var browser = _site.NewBrowser();

        var page = await browser.Http.GetStringAsync("/labs");
        Assert.Contains("<script src=\"_framework/blazor.web.js\" autostart=\"false\"></script>", page);
        Assert.Contains("<script src=\"js/circuit.js\"></script>", page);
        Assert.Contains("id=\"components-reconnect-modal\"", page);

        var script = await browser.Http.GetAsync("/_framework/blazor.web.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Blazor", await script.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task First_visit_issues_a_durable_httponly_learner_cookie_and_keeps_it()
    {
        var browser = _site.NewBrowser();

        var first = await browser.Http.GetAsync("/");
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("labsite-learner=", StringComparison.Ordinal));
        Assert.Matches("^labsite-learner=[0-9a-f]{32};", cookie);
        Assert.Contains("max-age=31536000", cookie);
        Assert.Contains("samesite=lax", cookie);
        Assert.Contains("httponly", cookie);

        var second = await browser.Http.GetAsync("/labs");
        Assert.DoesNotContain(second.Headers.TryGetValues("Set-Cookie", out var again) ? again : [], c => c.StartsWith("labsite-learner=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Home_page_shows_continue_exam_readiness_and_the_catalog_by_topic_through_the_real_site()
    {
        var page = await _site.NewBrowser().GetPageAsync("/");

        Assert.Contains("You have not started a lab yet", page.QuerySelector(".home__continue")!.TextContent);
        Assert.Contains("No attempts yet", page.QuerySelector(".home__exam")!.TextContent);
        Assert.Equal(2, page.QuerySelectorAll(".home__topics .lab-card").Length);
        Assert.Equal("Home", page.QuerySelector("nav[aria-label=Main] a[aria-current=page]")!.TextContent);
    }

    [Fact]
    public async Task A_forged_learner_cookie_is_replaced_by_a_new_id()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", "labsite-learner=../../etc/passwd");

        var response = await _site.NewBrowser().Http.SendAsync(request);

        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => System.Text.RegularExpressions.Regex.IsMatch(c, "^labsite-learner=[0-9a-f]{32};"));
    }

    [Fact]
    public async Task Layout_has_landmarks_skip_link_nav_and_theme_toggle()
    {
        var page = await _site.NewBrowser().GetPageAsync("/labs?q=hub");

        // Relative to <base href="/">: the page itself, at its main content (a bare "#main" would lead home).
        Assert.Equal("labs?q=hub#main", page.QuerySelector("a.skip-link")!.GetAttribute("href"));
        Assert.NotNull(page.QuerySelector("header"));
        Assert.NotNull(page.QuerySelector("main#main"));
        Assert.NotNull(page.QuerySelector("footer"));
        Assert.Equal(["Home", "Labs", "Exam practice", "Authors"], page.QuerySelectorAll("nav[aria-label=Main] a").Select(a => a.TextContent));
        Assert.Equal("Labs", page.QuerySelector("nav[aria-label=Main] a[aria-current=page]")!.TextContent);
        Assert.NotNull(page.QuerySelector("button#theme-toggle"));
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task Catalog_lists_valid_labs_and_filters_on_the_server_without_javascript()
    {
        var browser = _site.NewBrowser();

        var all = await browser.GetPageAsync("/labs");
        Assert.Equal(["Network policy basics", "A tour of Hubble"], all.QuerySelectorAll("#lab-results h2").Select(h => h.TextContent));
        Assert.Equal("2 labs", all.QuerySelector("#lab-count")!.TextContent);
        Assert.Equal("lab-q", all.QuerySelector("label[for=lab-q]")!.GetAttribute("for"));

        var filtered = await browser.GetPageAsync("/labs?q=hubble&difficulty=intermediate");
        Assert.Equal(["A tour of Hubble"], filtered.QuerySelectorAll("#lab-results h2").Select(h => h.TextContent));
        Assert.Equal("1 of 2 labs", filtered.QuerySelector("#lab-count")!.TextContent);
        Assert.Equal("hubble", filtered.QuerySelector("#lab-q")!.GetAttribute("value"));
        Assert.True(filtered.QuerySelector("#lab-difficulty option[value=intermediate]")!.HasAttribute("selected"));
    }

    [Fact]
    public async Task Active_search_returns_only_the_results_and_the_url_to_show()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hx/labs/results?q=policy&tag=&domain=network-policy");
        request.Headers.Add("HX-Request", "true");

        var response = await _site.NewBrowser().Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/labs?q=policy&domain=network-policy", response.Headers.GetValues("HX-Replace-Url").Single());
        Assert.StartsWith("<div id=\"lab-results\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
        Assert.Contains("Network policy basics", html);
        Assert.DoesNotContain("A tour of Hubble", html);
    }

    [Fact]
    public async Task Unknown_lab_or_step_gets_the_not_found_page_with_404()
    {
        var browser = _site.NewBrowser();

        var lab = await browser.GetPageAsync("/labs/no-such-lab", HttpStatusCode.NotFound);
        var step = await browser.GetPageAsync("/labs/policy-basics/steps/no-such-step", HttpStatusCode.NotFound);

        Assert.Equal("Page not found", lab.QuerySelector("h1")!.TextContent);
        Assert.Equal("Page not found", step.QuerySelector("h1")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.HtmxPostAsync("/labs/policy-basics/steps/nope/hints/next", Browser(await browser.GetPageAsync("/")))).StatusCode);
    }

    [Fact]
    public async Task Play_starts_at_the_first_step_then_continues_where_the_learner_left_off()
    {
        var browser = _site.NewBrowser();

        var start = await browser.Http.GetAsync("/labs/policy-basics/play");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Equal("/labs/policy-basics/steps/deploy", start.Headers.Location!.OriginalString);

        await browser.GetPageAsync("/labs/policy-basics/steps/verify");
        var resume = await browser.Http.GetAsync("/labs/policy-basics/play");
        Assert.Equal("/labs/policy-basics/steps/verify", resume.Headers.Location!.OriginalString);

        var overview = await browser.GetPageAsync("/labs/policy-basics");
        Assert.Equal("Continue the lab", overview.QuerySelector(".overview__side a.button")!.TextContent);
    }

    [Fact]
    public async Task Player_shows_the_step_beside_a_reserved_terminal_panel_and_steps_are_not_forced_in_order()
    {
        var page = await _site.NewBrowser().GetPageAsync("/labs/policy-basics/steps/verify");

        Assert.Equal("Verify with Hubble", page.QuerySelector("#step-pane #step-title")!.TextContent);
        Assert.NotNull(page.QuerySelector(".player > aside#terminal-panel #terminal"));
        Assert.Equal("policy-basics", page.QuerySelector("#terminal-panel")!.GetAttribute("data-lab-id"));
        Assert.Equal("/labs/policy-basics/steps/deny", page.QuerySelector(".step-pager a[rel=prev]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Each_step_page_records_the_visit_and_play_resumes_there()
    {
        var browser = _site.NewBrowser();
        await browser.GetPageAsync("/labs/policy-basics/steps/deploy");

        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deny");

        Assert.Equal("Deny the xwing", page.QuerySelector("#step-pane #step-title")!.TextContent);
        Assert.Equal("is-visited", page.QuerySelectorAll(".step-nav li")[0].ClassName);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Http.GetAsync("/hx/labs/policy-basics/steps/deny/pane")).StatusCode);
        var resume = await browser.Http.GetAsync("/labs/policy-basics/play");
        Assert.Equal("/labs/policy-basics/steps/deny", resume.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Hints_are_revealed_one_at_a_time_and_kept_after_reload()
    {
        var browser = _site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        var token = TestSite.Browser.AntiforgeryToken(page);

        var first = await browser.HtmxPostAsync("/labs/policy-basics/steps/deploy/hints/next", token);
        Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        Assert.Equal("/labs/policy-basics/steps/deploy#hint-1", first.Headers.Location!.OriginalString);

        var reloaded = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        Assert.Single(reloaded.QuerySelectorAll("#hints li"));
        Assert.Equal("Show hint 2 of 2", reloaded.QuerySelector("#hints button")!.TextContent.Trim());

        // Another learner starts from zero.
        var other = await _site.NewBrowser().GetPageAsync("/labs/policy-basics/steps/deploy");
        Assert.Empty(other.QuerySelectorAll("#hints li"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var browser = _site.NewBrowser();
        await browser.GetPageAsync("/labs/policy-basics/steps/deploy");

        var response = await browser.HtmxPostAsync("/labs/policy-basics/steps/deploy/hints/next", token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expired or came from another site", await response.Content.ReadAsStringAsync());
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        Assert.Empty(page.QuerySelectorAll("#hints li"));
    }

    [Fact]
    public async Task Without_javascript_a_form_post_redirects_back_to_the_step()
    {
        var browser = _site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        var form = page.QuerySelector("#hints form")!;
        var fields = new FormUrlEncodedContent(form.QuerySelectorAll("input[type=hidden]")
            .Select(i => KeyValuePair.Create(i.GetAttribute("name")!, i.GetAttribute("value")!)));

        var response = await browser.Http.PostAsync(form.GetAttribute("action"), fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/labs/policy-basics/steps/deploy#hint-1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Solution_needs_a_confirmation_then_stays_shown()
    {
        var browser = _site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        Assert.DoesNotContain("Apply the manifest.", page.Body!.TextContent);

        var noJsConfirm = await browser.GetPageAsync("/labs/policy-basics/steps/deploy?solution=confirm");
        Assert.Contains("Show the solution anyway?", noJsConfirm.QuerySelector("#solution")!.TextContent);
        Assert.DoesNotContain("Apply the manifest.", noJsConfirm.Body!.TextContent);
        Assert.NotNull(noJsConfirm.QuerySelector("#solution form[method=post]"));

        var shown = await browser.HtmxPostAsync("/labs/policy-basics/steps/deploy/solution", TestSite.Browser.AntiforgeryToken(page));
        Assert.Equal(HttpStatusCode.Found, shown.StatusCode);

        var reloaded = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        Assert.Contains("Apply the manifest.", reloaded.QuerySelector("#solution")!.TextContent);
    }

    [Fact]
    public async Task Marking_steps_done_shows_in_the_step_list_overview_and_catalog()
    {
        var browser = _site.NewBrowser();
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deny");

        var done = await browser.HtmxPostAsync("/labs/policy-basics/steps/deny/completion?done=true", TestSite.Browser.AntiforgeryToken(page));
        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        var again = await browser.GetPageAsync("/labs/policy-basics/steps/deny");
        Assert.Contains("Mark as not done", again.QuerySelector("#step-completion")!.TextContent);
        Assert.Equal("is-done", again.QuerySelector("#step-nav-deny")!.ClassName);

        var player = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        Assert.Equal("is-done", player.QuerySelectorAll(".step-nav li")[1].ClassName);
        var overview = await browser.GetPageAsync("/labs/policy-basics");
        Assert.Contains("1 of 3 steps done", overview.QuerySelector(".overview__side")!.TextContent);
        var catalog = await browser.GetPageAsync("/labs");
        Assert.Equal("1 of 3 steps done", catalog.QuerySelectorAll(".lab-card__progress")[0].TextContent.Trim());
    }

    [Fact]
    public async Task Authors_page_lists_broken_labs_with_file_line_col_while_valid_labs_are_served()
    {
        var browser = _site.NewBrowser();

        var authors = await browser.GetPageAsync("/authors");
        var broken = authors.QuerySelector("#broken-broken-lab")!;
        Assert.Contains("Unavailable", broken.TextContent);
        Assert.Equal("content/labs/broken-lab/lab.md:3:13", broken.QuerySelector(".diagnostic__location")!.TextContent);
        Assert.Contains("'difficulty' must be one of", broken.QuerySelector(".diagnostic__message")!.TextContent);
        Assert.Equal(2, authors.QuerySelectorAll("table tbody tr").Length);

        await browser.GetPageAsync("/labs/broken-lab", HttpStatusCode.NotFound);
        var catalog = await browser.GetPageAsync("/labs");
        Assert.Equal(2, catalog.QuerySelectorAll(".lab-card").Length);
    }

    [Fact]
    public async Task Healthz_reports_status_lab_counts_and_database()
    {
        var response = await _site.NewBrowser().Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal(2, json.GetProperty("labs").GetInt32());
        Assert.Equal(1, json.GetProperty("brokenLabs").GetInt32());
        Assert.Equal("ok", json.GetProperty("db").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static string Browser(AngleSharp.Dom.IDocument page) => TestSite.Browser.AntiforgeryToken(page);
}
