using LabSite.Web.Labs.Components;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Labs.Components;

public sealed class StepPaneTests
{
    [Fact]
    public async Task Marks_the_current_step_and_the_done_ones_and_links_every_step()
    {
        var lab = TestLabs.Policy();
        var progress = new LabProgress("deny", new Dictionary<string, StepProgress>
        {
            ["deploy"] = new(true, true, 1, false),
            ["deny"] = new(true, false, 0, false),
        });

        var doc = await ComponentRenderer.RenderAsync<StepPane>(new Dictionary<string, object?>
        {
            ["Lab"] = lab,
            ["Step"] = lab.Steps[1],
            ["Progress"] = progress,
        });

        var links = doc.QuerySelectorAll(".step-nav a");
        Assert.Equal(3, links.Length);
        Assert.Equal("step", links[1].GetAttribute("aria-current"));
        Assert.Null(links[0].GetAttribute("aria-current"));
        Assert.Equal("is-done", links[0].ParentElement!.ClassName);
        Assert.Equal("(done)", links[0].QuerySelector(".visually-hidden")!.TextContent);
        Assert.Null(links[1].QuerySelector(".visually-hidden"));
        Assert.Equal("/labs/policy-basics/steps/verify", links[2].GetAttribute("href"));
        Assert.Equal("/hx/labs/policy-basics/steps/verify/pane", links[2].GetAttribute("hx-get"));
        Assert.Equal("#step-pane", links[2].GetAttribute("hx-target"));
        Assert.Equal("Step 2 of 3", doc.QuerySelector(".step__counter")!.TextContent);
        Assert.Equal("Deny the xwing", doc.QuerySelector("#step-title")!.TextContent);
        Assert.Equal(["prev", "next"], doc.QuerySelectorAll(".step-pager a").Select(a => a.GetAttribute("rel")));
    }

    [Fact]
    public async Task A_step_without_hints_or_solution_shows_neither_panel()
    {
        var lab = TestLabs.Policy();

        var doc = await ComponentRenderer.RenderAsync<StepPane>(new Dictionary<string, object?> { ["Lab"] = lab, ["Step"] = lab.Steps[1] });

        Assert.Null(doc.QuerySelector("#hints"));
        Assert.Null(doc.QuerySelector("#solution"));
        Assert.NotNull(doc.QuerySelector("#step-completion form"));
    }

    [Fact]
    public async Task The_last_step_leads_back_to_the_overview()
    {
        var lab = TestLabs.Policy();

        var doc = await ComponentRenderer.RenderAsync<StepPane>(new Dictionary<string, object?> { ["Lab"] = lab, ["Step"] = lab.Steps[2] });

        var pager = doc.QuerySelectorAll(".step-pager a");
        Assert.Equal("/labs/policy-basics", pager[^1].GetAttribute("href"));
    }
}
