using Microsoft.Playwright;

namespace LabSite.EndToEnd.Tests.Exams;

/// <summary>
/// Takes short mock exams in Debian's Chromium (never a downloaded browser): answer, flag, navigate freely,
/// review, submit, read the results; and let the clock run out to see the server submit the attempt.
/// </summary>
public sealed class MockExamBrowserTests
{
    // The test machines are shared and often heavily loaded: wait for the page, never assert on how long it took.
    static MockExamBrowserTests() => Assertions.SetDefaultExpectTimeout(Support.Chromium.ExpectTimeoutMs);

    private static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    [Fact]
    public async Task A_learner_takes_a_five_question_mock_exam_end_to_end()
    {
        await using var site = await ExamSite.StartAsync(questions: 5, minutes: 10);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(site.BaseUrl + "/exams");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a mock exam" }).ClickAsync();
        await page.WaitForURLAsync("**/questions/1");
        await Assertions.Expect(page.Locator(".exam-question__legend")).ToContainTextAsync("Question 1 of 5");
        await Assertions.Expect(page.Locator("[data-exam-countdown]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(10:00|09:\d\d)$"));

        // Answer 1-4 correctly, flag question 2, leave question 5 unanswered, moving with "Save and next".
        for (var n = 1; n <= 4; n++)
        {
            await page.GetByLabel("Right answer", new() { Exact = false }).CheckAsync();
            if (n == 2)
            {
                await page.GetByLabel("Flag for review").CheckAsync();
            }
            await page.GetByRole(AriaRole.Button, new() { Name = "Save and next" }).ClickAsync();
            await page.WaitForURLAsync($"**/questions/{n + 1}");
        }

        // Free navigation: jump back to question 2 from the grid; the answer and the flag were kept.
        await page.GetByRole(AriaRole.Button, new() { Name = "Question 2, answered, flagged" }).ClickAsync();
        await page.WaitForURLAsync("**/questions/2");
        await Assertions.Expect(page.GetByLabel("Right answer", new() { Exact = false })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Flag for review")).ToBeCheckedAsync();

        // A reload keeps the option order the learner saw.
        var before = await page.Locator(".exam-option label").AllInnerTextsAsync();
        await page.ReloadAsync();
        Assert.Equal(before, await page.Locator(".exam-option label").AllInnerTextsAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Review and submit" }).ClickAsync();
        await page.WaitForURLAsync("**/review");
        await Assertions.Expect(page.Locator(".exam-review-summary")).ToHaveTextAsync("4 of 5 answered · 1 unanswered · 1 flagged");

        await page.GetByRole(AriaRole.Button, new() { Name = "Submit the exam" }).ClickAsync();
        await page.WaitForURLAsync("**/results");
        await Assertions.Expect(page.Locator(".exam-score__verdict")).ToHaveTextAsync("Pass");
        await Assertions.Expect(page.Locator(".exam-score__number")).ToContainTextAsync("4 / 5");
        Assert.Equal(2, await page.Locator("svg.domain-chart g.domain-chart__row").CountAsync());
        Assert.Equal(5, await page.Locator("article.question-review").CountAsync());
        await Assertions.Expect(page.Locator("article.question-review--wrong .badge")).ToHaveTextAsync("Not answered");

        // The attempt shows in the history chart on the exam home page.
        await page.GotoAsync(site.BaseUrl + "/exams");
        Assert.Equal(1, await page.Locator("svg.history-chart circle").CountAsync());
    }

    [Fact]
    public async Task When_the_time_runs_out_the_server_submits_the_exam()
    {
        // A three-second exam: the page's countdown reaches zero and posts; the server refuses the answer and submits.
        await using var site = await ExamSite.StartAsync(questions: 2, minutes: 0.05);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(site.BaseUrl + "/exams");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a mock exam" }).ClickAsync();
        await page.WaitForURLAsync("**/results*", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Time ran out");
        await Assertions.Expect(page.Locator(".exam-score__verdict")).ToHaveTextAsync("Fail");

        // Any later request for a question of that attempt lands on the results too.
        var question = page.Url.Replace("/results?expired=1", "/questions/1").Replace("/results", "/questions/1");
        await page.GotoAsync(question);
        Assert.EndsWith("/results", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task Practice_gives_immediate_feedback_and_brings_a_missed_question_back_for_review()
    {
        await using var site = await ExamSite.StartAsync(questions: 5, minutes: 10);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(site.BaseUrl + "/exams");
        await page.Locator("tr", new() { HasText = "Domain A" }).GetByRole(AriaRole.Link, new() { Name = "Practise" }).ClickAsync();
        // Poll the address only: waiting for a load event after an htmx-enhanced click proved flaky under load.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/exams/practice\?.*domain=a"), new() { Timeout = 30_000 });
        var stem = await page.Locator(".exam-question__stem").InnerTextAsync();

        // A wrong answer: the feedback replaces the form in place (htmx) and explains every option.
        await page.GetByLabel("Wrong answer one", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check answer" }).ClickAsync();
        var feedback = page.Locator("#practice-feedback");
        await Assertions.Expect(feedback.Locator(".question-review__head .badge")).ToHaveTextAsync("Incorrect");
        await Assertions.Expect(feedback).ToContainTextAsync("It is the right one.");
        await Assertions.Expect(feedback).ToContainTextAsync("review box 1");
        Assert.Contains("/exams/practice?", page.Url);

        // The missed question is now due in the review queue on the home page.
        await page.GotoAsync(site.BaseUrl + "/exams");
        await page.GetByRole(AriaRole.Link, new() { Name = "Review now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".exam-question__stem")).ToHaveTextAsync(stem);
        await page.GetByLabel("Right answer", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check answer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#practice-feedback .question-review__head .badge")).ToHaveTextAsync("Correct");
        await Assertions.Expect(page.Locator("#practice-feedback")).ToContainTextAsync("review box 2");
    }
}
