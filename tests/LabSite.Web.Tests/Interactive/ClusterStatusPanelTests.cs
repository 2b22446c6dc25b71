using Bunit;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Components;
using LabSite.Web.Terminal;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Interactive;

public sealed class ClusterStatusPanelTests : PlayerTestContext
{
    private readonly ClusterNotices _notices = new();
    private readonly SwitchLocator _locator = new();

    public ClusterStatusPanelTests()
    {
        Services.AddSingleton(_notices);
        Services.AddSingleton<ILabClusterLocator>(_locator);
        Services.AddSingleton(sp => new ClusterStatusReader(_notices, _locator, Clock, hasAgent: true));
    }

    private IRenderedComponent<ClusterStatusPanel> Render(int completed = 0) => Render<ClusterStatusPanel>(p => p
        .Add(c => c.LabId, "web-lab").Add(c => c.Learner, PlayerTestContext.Learner).Add(c => c.CompletedSteps, completed));

    [Fact]
    public void Nothing_started_says_how_a_cluster_starts()
    {
        var cut = Render();

        Assert.Equal("notstarted", cut.Find("#cluster-notice").GetAttribute("data-state"));
        Assert.Contains("starts when you use the terminal", cut.Find(".cluster-notice__state").TextContent);
    }

    [Fact]
    public void Gone_after_expiry_then_starting_then_ready_follows_live_without_a_reload()
    {
        _notices.Expired(Learner, "web-lab", Clock.GetUtcNow(), TimeSpan.FromHours(1));
        var cut = Render(completed: 1);
        Assert.Equal("gone", cut.Find("#cluster-notice").GetAttribute("data-state"));
        Assert.Contains("expired", cut.Find(".cluster-notice__text").TextContent);

        _notices.Restoring(Learner, "web-lab", Clock.GetUtcNow(), "Creating your cluster again…");
        Clock.Advance(ClusterStatusPanel.PollInterval);
        cut.WaitForAssertion(() => Assert.Equal("starting", cut.Find("#cluster-notice").GetAttribute("data-state")));

        _notices.Dismiss(Learner, "web-lab");
        _locator.Cluster = new LabSite.Testing.InMemoryCluster();
        Clock.Advance(ClusterStatusPanel.PollInterval);
        cut.WaitForAssertion(() => Assert.Equal("ready", cut.Find("#cluster-notice").GetAttribute("data-state")));
    }

    [Fact]
    public void Steps_done_but_no_cluster_after_a_restart_is_gone_and_a_failing_agent_is_reported_not_thrown()
    {
        var cut = Render(completed: 2);
        Assert.Equal("gone", cut.Find("#cluster-notice").GetAttribute("data-state"));
        Assert.StartsWith("Your cluster is not running", cut.Find(".cluster-notice__text").TextContent);

        _locator.Failure = new IOException("agent unreachable");
        Clock.Advance(ClusterStatusPanel.PollInterval);
        cut.WaitForAssertion(() => Assert.Contains("cannot be read right now (agent unreachable)", cut.Find(".cluster-notice__problem").TextContent));
    }
}
