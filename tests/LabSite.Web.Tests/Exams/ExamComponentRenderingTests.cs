using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Exams.Engine;
using LabSite.Scenarios.Model;
using LabSite.Web.Exams;
using LabSite.Web.Exams.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LabSite.Web.Tests.Exams;

/// <summary>Renders the results components on the server (HtmlRenderer) and checks the DOM with AngleSharp.</summary>
public sealed class ExamComponentRenderingTests
{
    private static readonly SourceLocation s_here = new("t.yaml", 1, 1);

    private static async Task<IDocument> RenderAsync<T>(Dictionary<string, object?> parameters) where T : IComponent
    {
        await using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        return new HtmlParser().ParseDocument(html);
    }

    private static ExamQuestion Question(bool multiple = false) => new(
        "q1", "cluster-mesh", new Dictionary<string, string> { ["tb"] = "a" }, 2, "Which is `right`?", multiple,
        [
            new ExamOption("Right <b>one</b>", true, "Because `x`.", s_here),
            new ExamOption("Also right", multiple, "Second reason.", s_here),
            new ExamOption("Wrong", false, "Not so.", s_here),
            new ExamOption("Very wrong", false, "Not at all.", s_here),
        ],
        "https://docs.cilium.io/en/stable/", s_here);

    [Fact]
    public async Task Domain_chart_draws_one_bar_per_domain_scaled_to_the_score_and_marks_weak_domains()
    {
        var score = new ExamScore(5, 8, 75, [new DomainScore("a", "Domain A", 4, 4), new DomainScore("b", "Domain B", 1, 4)]);
        var doc = await RenderAsync<DomainBarChart>(new() { ["Score"] = score });
        var rows = doc.QuerySelectorAll("svg.domain-chart g.domain-chart__row");
        Assert.Equal(["a", "b"], rows.Select(r => r.GetAttribute("data-domain")));
        Assert.Equal("300", rows[0].QuerySelector(".domain-chart__bar")!.GetAttribute("width"));
        Assert.Equal("75", rows[1].QuerySelector(".domain-chart__bar")!.GetAttribute("width"));
        Assert.False(rows[0].ClassList.Contains("domain-chart__row--weak"));
        Assert.True(rows[1].ClassList.Contains("domain-chart__row--weak"));
        Assert.Equal("1/4", rows[1].QuerySelector(".domain-chart__value")!.TextContent);
        // The pass line sits at 75 % of the 300-wide track, after the 230-wide labels.
        Assert.Equal("455", doc.QuerySelector("line.domain-chart__pass")!.GetAttribute("x1"));
    }

    [Fact]
    public async Task History_chart_plots_one_point_per_attempt_in_time_order()
    {
        var attempts = new[]
        {
            new AttemptSummary("1", "tb", new DateTime(2026, 11, 1), 30, 60, 75, false),
            new AttemptSummary("2", "tb", new DateTime(2026, 11, 2), 45, 60, 75, false),
            new AttemptSummary("3", "tb", new DateTime(2026, 11, 3), 60, 60, 75, true),
        };
        var doc = await RenderAsync<HistoryChart>(new() { ["Attempts"] = attempts });
        var points = doc.QuerySelector("polyline.history-chart__line")!.GetAttribute("points")!.Split(' ');
        Assert.Equal(3, points.Length);
        var ys = points.Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(ys[0] > ys[1] && ys[1] > ys[2], "higher scores are drawn higher");
        Assert.Equal(2, doc.QuerySelectorAll("circle.history-chart__point--pass").Length);

        var empty = await RenderAsync<HistoryChart>(new() { ["Attempts"] = Array.Empty<AttemptSummary>() });
        Assert.Null(empty.QuerySelector("svg"));
        Assert.Contains("No submitted mock exams yet", empty.Body!.TextContent);
    }

    [Fact]
    public async Task Question_review_shows_options_in_the_order_seen_with_choices_answers_and_explanations()
    {
        var doc = await RenderAsync<QuestionReview>(new()
        {
            ["Question"] = Question(),
            ["Order"] = new[] { 2, 0, 3, 1 },
            ["Selected"] = new HashSet<int> { 2 },
            ["Position"] = 7,
        });
        var items = doc.QuerySelectorAll("li.review-option");
        Assert.StartsWith("Wrong", items[0].QuerySelector(".review-option__text")!.TextContent.Trim());
        Assert.True(items[0].ClassList.Contains("review-option--chosen"));
        Assert.True(items[1].ClassList.Contains("review-option--correct"));
        Assert.Equal("Because x.", items[1].QuerySelector(".review-option__why")!.TextContent);
        Assert.Equal("x", items[1].QuerySelector(".review-option__why code")!.TextContent);
        // Raw HTML in the bank is shown as text, never as markup.
        Assert.Null(items[1].QuerySelector("b"));
        Assert.Equal("Incorrect", doc.QuerySelector(".question-review__head .badge")!.TextContent);
        Assert.Equal("q7", doc.QuerySelector("article")!.Id);
        Assert.Equal("https://docs.cilium.io/en/stable/", doc.QuerySelector(".question-review__docs a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Question_review_marks_a_complete_multiple_answer_as_correct()
    {
        var doc = await RenderAsync<QuestionReview>(new()
        {
            ["Question"] = Question(multiple: true),
            ["Order"] = new[] { 0, 1, 2, 3 },
            ["Selected"] = new HashSet<int> { 0, 1 },
        });
        Assert.Equal("Correct", doc.QuerySelector(".badge")!.TextContent);
        Assert.Equal(2, doc.QuerySelectorAll(".review-option--correct.review-option--chosen").Length);
    }

    [Fact]
    public async Task Timer_shows_the_server_computed_remaining_time()
    {
        var start = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var doc = await RenderAsync<ExamTimer>(new()
        {
            ["Clock"] = new ExamClock(start, TimeSpan.FromMinutes(90)),
            ["Now"] = start.AddMinutes(45).AddSeconds(30),
        });
        Assert.Equal("44:30", doc.QuerySelector("[data-exam-countdown]")!.TextContent);
        Assert.Equal(start.AddMinutes(90).ToString("o"), doc.QuerySelector(".exam-timer")!.GetAttribute("data-deadline"));
        Assert.Equal("1:30:00", ExamTimer.Format(TimeSpan.FromMinutes(90)));
    }
}
