using Bunit;
using LabSite.Web.Labs.Components;
using LabSite.Web.Progress;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Interactive;

/// <summary>The player's dumb parts: what they show, their no-JavaScript forms, and the callbacks the player handles.</summary>
public sealed class StepPartsTests : PlayerTestContext
{
    private static readonly Scenarios.Model.LabStep s_step = TestLabs.Policy().Steps[0];

    [Fact]
    public void Hint_button_is_a_form_without_javascript_and_calls_the_player_when_interactive()
    {
        var asked = 0;
        var cut = Render<HintPanel>(p => p.Add(c => c.LabId, "policy-basics").Add(c => c.Step, s_step).Add(c => c.Revealed, 0)
            .Add(c => c.OnReveal, () => asked++));

        Assert.Empty(cut.FindAll("#hints li"));
        var form = cut.Find("#hints form");
        Assert.Equal(("post", "/labs/policy-basics/steps/deploy/hints/next"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.Equal(AntiforgeryToken, form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value"));
        Assert.Equal("Show hint 1 of 2", cut.Find("#hints button").TextContent.Trim());
        form.Submit();
        Assert.Equal(1, asked);
    }

    [Fact]
    public void A_revealed_hint_takes_focus_and_when_all_are_shown_the_button_is_gone()
    {
        var cut = Render<HintPanel>(p => p.Add(c => c.LabId, "policy-basics").Add(c => c.Step, s_step).Add(c => c.Revealed, 1).Add(c => c.JustRevealed, true));
        Assert.Contains("Hint one", cut.Find("#hint-1").TextContent);
        JSInterop.VerifyInvoke("Blazor._internal.domWrapper.focus");

        cut.Render(p => p.Add(c => c.Revealed, 2).Add(c => c.JustRevealed, false));
        Assert.Equal(["Hint one", "Hint two"], cut.FindAll("#hints li").Select(li => li.TextContent.Split(':')[0]));
        Assert.Empty(cut.FindAll("#hints form"));
        Assert.Contains("All hints are shown", cut.Find("#hints").TextContent);
    }

    [Fact]
    public void Solution_goes_hidden_confirming_shown_through_the_player_and_is_not_in_the_page_before()
    {
        var asked = new List<SolutionView>();
        IRenderedComponent<SolutionPanel> Show(SolutionView view) => Render<SolutionPanel>(p => p
            .Add(c => c.LabId, "policy-basics").Add(c => c.StepId, "deploy").Add(c => c.Solution, s_step.Solution!)
            .Add(c => c.View, view).Add(c => c.OnViewChange, v => asked.Add(v)));

        var hidden = Show(SolutionView.Hidden);
        Assert.DoesNotContain("kubectl apply", hidden.Markup);
        Assert.Equal("get", hidden.Find("#solution form").GetAttribute("method"));
        hidden.Find("#solution form").Submit();

        var confirming = Show(SolutionView.Confirming);
        Assert.DoesNotContain("kubectl apply", confirming.Markup);
        Assert.NotNull(confirming.Find("#solution form[method=post] input[name=__RequestVerificationToken]"));
        confirming.Find("#solution form[method=post]").Submit();
        confirming.Find("#solution a").Click();

        Assert.Contains("kubectl apply", Show(SolutionView.Shown).Find(".solution__commands").TextContent);
        Assert.Equal([SolutionView.Confirming, SolutionView.Shown, SolutionView.Hidden], asked);
    }

    [Fact]
    public void Step_pane_marks_current_and_done_steps_and_links_move_in_place_through_the_player()
    {
        var lab = TestLabs.Policy();
        var progress = new LabProgress("deny", new Dictionary<string, StepProgress>
        {
            ["deploy"] = new(true, true, 1, false),
            ["deny"] = new(true, false, 0, false),
        });
        var moved = new List<string>();
        var cut = Render<StepPane>(p => p.Add(c => c.Lab, lab).Add(c => c.Step, lab.Steps[1]).Add(c => c.Progress, progress)
            .Add(c => c.OnNavigate, id => moved.Add(id)));

        var links = cut.FindAll(".step-nav a");
        Assert.Equal(3, links.Count);
        Assert.Equal("step", links[1].GetAttribute("aria-current"));
        Assert.Equal("is-done", cut.Find("#step-nav-deploy").ClassName);
        Assert.Equal("(done)", links[0].QuerySelector(".visually-hidden")!.TextContent);
        Assert.Equal("/labs/policy-basics/steps/verify", links[2].GetAttribute("href"));
        Assert.Equal("Step 2 of 3", cut.Find(".step__counter").TextContent);
        Assert.Empty(cut.FindAll("#hints"));
        links[2].Click();
        cut.Find(".step-pager a[rel=prev]").Click();
        Assert.Equal(["verify", "deploy"], moved);
    }

    [Fact]
    public void Done_toggle_posts_without_javascript_and_tells_the_player_the_new_state()
    {
        var asked = new List<bool>();
        var cut = Render<StepCompletion>(p => p.Add(c => c.LabId, "policy-basics").Add(c => c.StepId, "deny").Add(c => c.Completed, false)
            .Add(c => c.OnChange, v => asked.Add(v)));

        Assert.Equal("/labs/policy-basics/steps/deny/completion?done=true", cut.Find("form").GetAttribute("action"));
        cut.Find("form").Submit();
        Assert.Equal([true], asked);
    }
}
