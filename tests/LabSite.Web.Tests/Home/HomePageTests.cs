using AngleSharp.Dom;
using Bunit;
using LabSite.Web.Exams;
using LabSite.Web.Home;
using LabSite.Web.Home.Pages;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Home;

/// <summary>
/// The home page rendered with bunit over the real stores (SQLite progress and exam databases, a test catalog and
/// exam bank): a new learner, labs in progress, everything done, and exam readiness.
/// </summary>
public sealed class HomePageTests : BunitContext
{
    private static readonly LearnerId s_learner = new(Guid.Parse("0123456789abcdef0123456789abcdef"));

    private readonly TempDatabase _progressDb = new();
    private readonly AsyncServiceScope _scope;
    private readonly ExamStoreFixture _exams = new(perDomain: 2, questions: 4);
    private readonly ExamAttemptStore _attempts;

    public HomePageTests()
    {
        _scope = _progressDb.Scope();
        (_attempts, _, _) = _exams.Open();
        Services.AddSingleton(new LabCatalogSource(TestLabs.Catalog()));
        Services.AddSingleton(Progress);
        Services.AddSingleton(_exams.Bank);
        Services.AddSingleton(_attempts);
        Services.AddScoped<HomeDashboardReader>();
    }

    private LabProgressStore Progress => _progressDb.NewStore(_scope);

    private IRenderedComponent<HomePage> RenderHome()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{LearnerCookie.Name}={s_learner}";
        var cut = Render<HomePage>(p => p.AddCascadingValue(http));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find(".home")), TimeSpan.FromSeconds(30));
        return cut;
    }

    [Fact]
    public void A_new_learner_is_pointed_at_a_first_lab_sees_every_lab_not_started_and_no_exam_attempts()
    {
        var page = RenderHome();

        var continuing = page.Find(".home__continue");
        Assert.Empty(continuing.QuerySelectorAll(".continue-item"));
        Assert.Contains("You have not started a lab yet", continuing.TextContent);
        // The beginner lab is the suggested start.
        Assert.Equal("/labs/policy-basics", continuing.QuerySelector(".home__empty a")!.GetAttribute("href"));

        Assert.Equal(["network-observability", "network-policy"], page.FindAll(".topic").Select(t => t.GetAttribute("data-topic")));
        Assert.All(page.FindAll(".lab-card__progress"), p => Assert.Equal("Not started", p.TextContent.Trim()));
        Assert.Equal(2, page.FindAll(".topic h4.lab-card__title").Count);
        Assert.Contains("0 of 2 labs completed", page.Find(".home__topics").TextContent);

        var exam = page.Find(".home__exam");
        Assert.Contains("No attempts yet", exam.TextContent);
        Assert.Null(exam.QuerySelector("table"));
        Assert.Equal("/exams", exam.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_lab_in_progress_offers_its_next_unfinished_step_and_shows_progress_in_the_catalog()
    {
        await Progress.RecordVisitAsync(s_learner, "policy-basics", "deploy");
        await Progress.SetCompletedAsync(s_learner, "policy-basics", "deploy", true);
        await Progress.RecordVisitAsync(s_learner, "policy-basics", "deny");

        var page = RenderHome();

        var item = Assert.Single(page.FindAll(".continue-item"));
        Assert.Equal("policy-basics", item.GetAttribute("data-lab"));
        Assert.Equal("1 of 3 steps done", item.QuerySelector(".continue-item__progress")!.TextContent);
        var next = item.QuerySelector("a.continue-item__step")!;
        Assert.Equal("/labs/policy-basics/steps/deny", next.GetAttribute("href"));
        Assert.Equal("Step 2: Deny the xwing", next.TextContent);
        Assert.Equal("1 of 3 steps done", Card(page, "policy-basics").QuerySelector(".lab-card__progress")!.TextContent.Trim());
        Assert.Equal("Not started", Card(page, "hubble-tour").QuerySelector(".lab-card__progress")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_finished_current_step_moves_the_offer_to_the_next_unfinished_one_wrapping_to_the_start()
    {
        // The learner finished the last step but skipped the second: continue with the second.
        await Progress.RecordVisitAsync(s_learner, "policy-basics", "deploy");
        await Progress.SetCompletedAsync(s_learner, "policy-basics", "deploy", true);
        await Progress.RecordVisitAsync(s_learner, "policy-basics", "verify");
        await Progress.SetCompletedAsync(s_learner, "policy-basics", "verify", true);

        var page = RenderHome();

        Assert.Equal("/labs/policy-basics/steps/deny", page.Find("a.continue-item__step").GetAttribute("href"));
    }

    [Fact]
    public async Task Progress_in_a_lab_that_left_the_catalog_is_not_offered()
    {
        await Progress.RecordVisitAsync(s_learner, "retired-lab", "step-1");

        var page = RenderHome();

        Assert.Empty(page.FindAll(".continue-item"));
        Assert.Contains("You have not started a lab yet", page.Find(".home__continue").TextContent);
    }

    [Fact]
    public async Task Every_lab_done_says_so_and_marks_every_card_completed()
    {
        foreach (var lab in TestLabs.Catalog().Labs)
        {
            foreach (var step in lab.Steps)
            {
                await Progress.RecordVisitAsync(s_learner, lab.Id, step.Id);
                await Progress.SetCompletedAsync(s_learner, lab.Id, step.Id, true);
            }
        }

        var page = RenderHome();

        Assert.Empty(page.FindAll(".continue-item"));
        Assert.Contains("You have finished every lab", page.Find(".home__continue").TextContent);
        Assert.All(page.FindAll(".lab-card__progress"), p => Assert.Equal("Completed", p.TextContent.Trim()));
        Assert.Contains("2 of 2 labs completed", page.Find(".home__topics").TextContent);
    }

    [Fact]
    public async Task Exam_readiness_sums_recent_attempts_per_domain_against_the_pass_mark()
    {
        // Two attempts: domain a always right, domain b always wrong.
        for (var i = 0; i < 2; i++)
        {
            var id = await _attempts.StartAsync(s_learner, _exams.Bank.FindBlueprint("tb")!);
            var attempt = (await _attempts.GetAsync(s_learner, id))!;
            foreach (var q in attempt.Questions)
            {
                var correctAt = Enumerable.Range(0, q.OptionOrder.Count).Where(p => q.OptionOrder[p] == 0).ToArray();
                var wrongAt = Enumerable.Range(0, q.OptionOrder.Count).Where(p => !q.Question.CorrectIndexes.Contains(q.OptionOrder[p])).Take(1).ToArray();
                var domain = q.Question.DomainIn("tb");
                Assert.Equal(SaveAnswerResult.Saved, await _attempts.SaveAnswerAsync(s_learner, id, q.Position, domain == "a" ? correctAt : wrongAt, false));
            }
            Assert.True(await _attempts.SubmitAsync(s_learner, id));
        }

        var page = RenderHome();

        var exam = page.Find(".home__exam");
        Assert.DoesNotContain("No attempts yet", exam.TextContent);
        Assert.Contains("From your last 2 mock exams on Test blueprint", exam.TextContent);
        var rows = exam.QuerySelectorAll("tbody tr");
        Assert.Equal(["a", "b"], rows.Select(r => r.GetAttribute("data-domain")));
        Assert.Equal("ready", rows[0].GetAttribute("data-level"));
        Assert.Equal("4/4 (100 %)", rows[0].Children[2].TextContent);
        Assert.Equal("notyet", rows[1].GetAttribute("data-level"));
        Assert.Equal("0/4 (0 %)", rows[1].Children[2].TextContent);
        Assert.Equal(ExamRoutes.PracticeIn("tb", domain: "b"), rows[1].QuerySelector("a")!.GetAttribute("href"));
    }

    private static IElement Card(IRenderedComponent<HomePage> page, string labId) =>
        page.Find($"#lab-{labId}-title").Closest(".lab-card")!;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _scope.Dispose();
            _progressDb.Dispose();
            _exams.Dispose();
        }
        base.Dispose(disposing);
    }
}
