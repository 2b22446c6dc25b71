using LabSite.Web.Labs.Components;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Labs.Components;

public sealed class SolutionPanelTests
{
    private static Task<AngleSharp.Dom.IDocument> Render(SolutionView view) =>
        ComponentRenderer.RenderAsync<SolutionPanel>(new Dictionary<string, object?>
        {
            ["LabId"] = "policy-basics",
            ["StepId"] = "deploy",
            ["Solution"] = TestLabs.Policy().Steps[0].Solution,
            ["View"] = view,
        });

    [Fact]
    public async Task Hidden_solution_is_not_in_the_page_only_a_button_asking_first()
    {
        var doc = await Render(SolutionView.Hidden);

        Assert.DoesNotContain("kubectl apply", doc.Body!.TextContent);
        var form = doc.QuerySelector("#solution form")!;
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Equal("/hx/labs/policy-basics/steps/deploy/solution?confirm=true", form.GetAttribute("hx-get"));
        Assert.Equal("confirm", form.QuerySelector("input[name=solution]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Confirming_asks_with_a_post_to_show_and_a_way_back()
    {
        var doc = await Render(SolutionView.Confirming);

        Assert.DoesNotContain("kubectl apply", doc.Body!.TextContent);
        var post = doc.QuerySelector("#solution form[method=post]")!;
        Assert.Equal("/labs/policy-basics/steps/deploy/solution", post.GetAttribute("action"));
        Assert.NotNull(post.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.Equal("Cancel", doc.QuerySelector("#solution a")!.TextContent.Trim());
    }

    [Fact]
    public async Task Shown_solution_has_its_text_and_commands()
    {
        var doc = await Render(SolutionView.Shown);

        Assert.Contains("Apply the manifest.", doc.QuerySelector("#solution-text")!.TextContent);
        Assert.Equal("kubectl apply -f app.yaml", doc.QuerySelector("#solution pre code")!.TextContent);
        Assert.Null(doc.QuerySelector("#solution form"));
    }
}
