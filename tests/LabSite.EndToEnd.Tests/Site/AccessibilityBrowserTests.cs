using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Exams;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// axe-core on every page type of a real <c>labsite serve</c> (and the exam pages of a site with a test bank), in the
/// light and the dark theme: zero serious or critical violations. Each failure names the rule, impact and element.
/// </summary>
public sealed class AccessibilityBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private readonly LabSiteProcess _site = fixture.Site;

    private string Url(string path) => new Uri(_site.BaseAddress, path).ToString();

    [Fact]
    public async Task The_check_fails_naming_the_rule_and_element_on_a_page_with_known_violations()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.SetContentAsync("""
            <!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><main>
            <img id="no-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
            <p id="faint" style="color:#777;background:#888">faint text</p></main></body></html>
            """);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AxeCheck.AssertNoSeriousViolationsAsync(page, "bad page"));

        Assert.Contains("image-alt [critical] at #no-alt", failure.Message);
        Assert.Contains("color-contrast [serious] at #faint", failure.Message);
    }

    [Fact]
    public async Task Static_pages_home_catalog_overview_authors_and_404_have_no_serious_violations()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();

        foreach (var path in new[] { "/", "/labs", "/labs?q=zzz-no-such-lab", "/labs/hello-lab", "/authors", "/exams" })
        {
            await page.GotoAsync(Url(path));
            await AxeCheck.AssertNoSeriousViolationsAsync(page, path);
        }

        var missing = await page.GotoAsync(Url("/no-such-page"));
        Assert.Equal(404, missing!.Status);
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "404");
    }

    [Fact]
    public async Task Home_page_with_a_lab_in_progress_has_no_serious_violations()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        // Opening a step is enough to have a lab in progress; the player's own check is the next test's.
        await page.GotoAsync(Url("/labs/hello-lab/play"));
        await page.GotoAsync(Url("/"));
        await Expect(page.Locator(".continue-item[data-lab='hello-lab']")).ToBeVisibleAsync();

        await AxeCheck.AssertNoSeriousViolationsAsync(page, "home, lab in progress");
    }

    [Fact]
    public async Task Lab_player_with_its_terminal_and_the_flows_tab_open_has_no_serious_violations()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await HelloLabSession.OpenAsync(page, _site);
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "lab player, terminal");

        await HelloLabSession.DeployAndCallAsync(page);
        await HelloLabSession.OpenFlowsAsync(page);
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "lab player, flows tab");

        await page.Locator("#terminal-tab-files").ClickAsync();
        await Expect(page.Locator("#workspace-view")).ToBeVisibleAsync();
        await Expect(page.Locator("#workspace .workspace__file").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "lab player, files tab");
    }

    [Fact]
    public async Task Workshop_join_instructor_sign_in_and_console_have_no_serious_violations()
    {
        var (workshopId, code) = await WorkshopSetup.CreateAsync(_site, "hello-lab", "Accessible workshop");
        await using var attendee = await Chromium.LaunchAsync();
        var join = await attendee.Context.NewPageAsync();
        await join.GotoAsync(Url("/join/" + code));
        await Expect(join.GetByLabel("Your name")).ToBeVisibleAsync();
        await AxeCheck.AssertNoSeriousViolationsAsync(join, "workshop join");
        await join.GotoAsync(Url("/join/ZZZZZZ"));
        await AxeCheck.AssertNoSeriousViolationsAsync(join, "workshop join, unknown code");

        await using var instructor = await Chromium.LaunchAsync();
        var signIn = await instructor.Context.NewPageAsync();
        await signIn.GotoAsync(Url("/instructors/signin"));
        await AxeCheck.AssertNoSeriousViolationsAsync(signIn, "instructor sign-in");

        var console = await WorkshopSetup.SignInAsAdminAsync(instructor, _site);
        await console.GotoAsync(Url($"/workshops/{workshopId}/console"));
        await Expect(console.Locator("#console")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        await AxeCheck.AssertNoSeriousViolationsAsync(console, "instructor console");
    }

    [Fact]
    public async Task Exam_question_review_results_and_practice_have_no_serious_violations()
    {
        await using var exams = await ExamSite.StartAsync(questions: 4, minutes: 10);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();

        await page.GotoAsync(exams.BaseUrl + "/exams");
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "exam home");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a mock exam" }).ClickAsync();
        await page.WaitForURLAsync("**/questions/1");
        await page.GetByLabel("Right answer", new() { Exact = false }).CheckAsync();
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "exam question");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review and submit" }).ClickAsync();
        await page.WaitForURLAsync("**/review");
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "exam review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit the exam" }).ClickAsync();
        await page.WaitForURLAsync("**/results");
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "exam results");

        await page.GotoAsync(exams.BaseUrl + "/exams");
        await page.Locator("tr", new() { HasText = "Domain A" }).GetByRole(AriaRole.Link, new() { Name = "Practise" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/exams/practice\?"), new() { Timeout = 30_000 });
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "exam practice");
        await page.GetByLabel("Right answer", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check answer" }).ClickAsync();
        await Expect(page.Locator("#practice-feedback .question-review__head .badge")).ToHaveTextAsync("Correct");
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "exam practice feedback");

        // The home page of that site shows exam readiness from the submitted attempt.
        await page.GotoAsync(exams.BaseUrl + "/");
        await Expect(page.Locator(".home__exam table")).ToBeVisibleAsync();
        await AxeCheck.AssertNoSeriousViolationsAsync(page, "home, exam readiness");
    }
}
