using Bunit;
using LabSite.Grader.Results;
using LabSite.Web.Checks;
using LabSite.Web.Checks.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Interactive;

public sealed class CheckPanelTests : PlayerTestContext
{
    private readonly ScriptedChecker _checker = new();
    private readonly List<CheckPanelState> _reported = [];

    public CheckPanelTests() => Services.AddSingleton<IStepChecker>(_checker);

    private IRenderedComponent<CheckPanel> Render() => Render<CheckPanel>(p => p
        .Add(c => c.LabId, "web-lab").Add(c => c.Step, WebStep()).Add(c => c.Learner, PlayerTestContext.Learner)
        .Add(c => c.OnChecked, s => _reported.Add(s)));

    [Fact]
    public void Before_a_check_it_asks_for_one_and_keeps_the_plain_form_with_its_antiforgery_token()
    {
        var cut = Render();

        var form = cut.Find("#checks form");
        Assert.Equal(("post", "/labs/web-lab/steps/deploy/check"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.Equal(AntiforgeryToken, form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value"));
        Assert.Equal("Press Check when you have done the step.", cut.Find(".checks__summary").TextContent);
        Assert.Empty(_checker.Calls);
    }

    [Fact]
    public void A_failing_check_explains_and_re_checks_live_until_it_passes_without_a_reload()
    {
        _checker.Then(Failing()).Then(Failing()).Then(Passing());
        var cut = Render();

        cut.Find("#checks form").Submit();
        Assert.Contains("check--failed", cut.Find("#check-web-exists").ClassName);
        Assert.Equal(["Pod default/web exists", "Pod default/web does not exist"], cut.FindAll("#check-web-exists .check__explanation dd").Select(d => d.TextContent));
        Assert.Contains("Create it with kubectl run.", cut.Find(".check__hint").TextContent);
        Assert.Equal("true", cut.Find("#checks").GetAttribute("data-live"));

        Clock.Advance(CheckPanel.RecheckInterval);
        cut.WaitForAssertion(() => Assert.Equal([false, true], _checker.Calls));
        Clock.Advance(CheckPanel.RecheckInterval);
        cut.WaitForAssertion(() => Assert.Contains("All passed", cut.Find("#checks-title").TextContent));

        Assert.Contains("check--passed", cut.Find("#check-web-exists").ClassName);
        Assert.Equal("false", cut.Find("#checks").GetAttribute("data-live"));
        Assert.True(_reported[^1].AllPassed);
        Clock.Advance(CheckPanel.RecheckInterval * 3);
        Assert.Equal(3, _checker.Calls.Count);
    }

    [Fact]
    public void Cluster_gone_or_not_started_says_it_cannot_check_yet_and_does_not_poll()
    {
        var waiting = new CheckPanelState(
            [new CheckResult("web-exists", "The web pod exists", CheckOutcome.CannotCheck, "The web pod exists", "cannot check yet: no cluster is running for this lab", [])],
            "Your cluster expired. Press Check (or use the terminal) to create it again.", new Dictionary<string, string>());
        _checker.Then(waiting);
        var cut = Render();

        cut.Find("#checks form").Submit();

        Assert.Contains("check--unknown", cut.Find("#check-web-exists").ClassName);
        Assert.Contains("cannot check yet", cut.Find("#check-web-exists .visually-hidden").TextContent);
        Assert.StartsWith("Your cluster expired.", cut.Find(".checks__problem").TextContent);
        Assert.Equal("false", cut.Find("#checks").GetAttribute("data-live"));
        Clock.Advance(CheckPanel.RecheckInterval * 2);
        Assert.Single(_checker.Calls);
    }

    [Fact]
    public void A_check_that_throws_says_so_keeps_the_button_and_a_later_check_recovers()
    {
        _checker.ThenThrow(new InvalidOperationException("agent socket closed")).Then(Passing());
        var cut = Render();

        cut.Find("#checks form").Submit();

        Assert.Contains("The checks could not run (agent socket closed)", cut.Find(".checks__problem").TextContent);
        Assert.False(cut.Find("#checks button[type=submit]").HasAttribute("disabled"));
        Assert.Equal("false", cut.Find("#checks").GetAttribute("data-live"));

        cut.Find("#checks form").Submit();
        Assert.Contains("All passed", cut.Find("#checks-title").TextContent);
        Assert.Empty(cut.FindAll(".checks__problem"));
    }

    [Fact]
    public async Task A_lost_circuit_disposes_the_panel_and_no_re_check_runs_after_it()
    {
        _checker.Then(Failing());
        var cut = Render();
        cut.Find("#checks form").Submit();

        // When a circuit is gone for good its components are disposed: the live re-check must stop with it.
        await DisposeComponentsAsync();
        Clock.Advance(CheckPanel.RecheckInterval * 3);

        Assert.Single(_checker.Calls);
    }
}
