using LabSite.Web.Labs.Components;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Labs.Components;

public sealed class LabCardTests
{
    [Theory]
    [InlineData(null, "Not started")]
    [InlineData(1, "1 of 3 steps done")]
    [InlineData(3, "Completed")]
    public async Task Shows_the_learners_progress(int? completed, string expected)
    {
        var doc = await ComponentRenderer.RenderAsync<LabCard>(new Dictionary<string, object?>
        {
            ["Lab"] = TestLabs.Policy(),
            ["CompletedSteps"] = completed,
        });

        Assert.Equal(expected, doc.QuerySelector(".lab-card__progress")!.TextContent.Trim());
        Assert.Equal("/labs/policy-basics", doc.QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Equal("Beginner", doc.QuerySelector(".badge--beginner")!.TextContent);
        Assert.Equal("/labs?tag=l4", doc.QuerySelectorAll(".lab-meta a.badge")[1].GetAttribute("href"));
    }

    [Fact]
    public async Task An_empty_result_offers_to_clear_the_filters_and_the_fragment_updates_the_count()
    {
        var doc = await ComponentRenderer.RenderAsync<LabResults>(new Dictionary<string, object?>
        {
            ["Labs"] = Array.Empty<Scenarios.Model.Lab>(),
            ["Total"] = 2,
            ["AsFragment"] = true,
        });

        Assert.Equal("/labs", doc.QuerySelector("#lab-results .empty a")!.GetAttribute("href"));
        var count = doc.QuerySelector("#lab-count")!;
        Assert.Equal("innerHTML", count.GetAttribute("hx-swap-oob"));
        Assert.Equal("0 of 2 labs", count.TextContent);
    }
}
