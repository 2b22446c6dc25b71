using LabSite.Web.Labs.Components;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Labs.Components;

public sealed class HintPanelTests
{
    private static readonly Scenarios.Model.LabStep s_step = TestLabs.Policy().Steps[0];

    [Fact]
    public async Task No_hint_revealed_shows_only_a_button_for_the_first()
    {
        var doc = await ComponentRenderer.RenderAsync<HintPanel>(new Dictionary<string, object?>
        {
            ["LabId"] = "policy-basics",
            ["Step"] = s_step,
            ["Revealed"] = 0,
        });

        Assert.Empty(doc.QuerySelectorAll("#hints li"));
        var form = doc.QuerySelector("#hints form")!;
        Assert.Equal("/labs/policy-basics/steps/deploy/hints/next", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal(form.GetAttribute("action"), form.GetAttribute("hx-post"));
        Assert.Equal("Show hint 1 of 2", form.QuerySelector("button")!.TextContent.Trim());
        Assert.Equal(ComponentRenderer.AntiforgeryToken, form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Revealed_hints_show_in_order_and_the_new_one_takes_focus()
    {
        var doc = await ComponentRenderer.RenderAsync<HintPanel>(new Dictionary<string, object?>
        {
            ["LabId"] = "policy-basics",
            ["Step"] = s_step,
            ["Revealed"] = 1,
            ["JustRevealed"] = true,
        });

        var items = doc.QuerySelectorAll("#hints li");
        Assert.Single(items);
        Assert.Contains("Hint one", items[0].TextContent);
        Assert.True(items[0].HasAttribute("autofocus"));
        Assert.Equal("Show hint 2 of 2", doc.QuerySelector("#hints button")!.TextContent.Trim());
    }

    [Fact]
    public async Task When_all_hints_are_shown_the_button_is_gone()
    {
        var doc = await ComponentRenderer.RenderAsync<HintPanel>(new Dictionary<string, object?>
        {
            ["LabId"] = "policy-basics",
            ["Step"] = s_step,
            ["Revealed"] = 2,
        });

        Assert.Equal(["Hint one", "Hint two"], doc.QuerySelectorAll("#hints li").Select(li => li.TextContent.Split(':')[0]));
        Assert.Null(doc.QuerySelector("#hints form"));
        Assert.False(doc.QuerySelector("#hint-2")!.HasAttribute("autofocus"));
        Assert.Contains("All hints are shown", doc.QuerySelector("#hints")!.TextContent);
    }
}
