using System.Text.RegularExpressions;
using LabSite.Agent.Client;
using LabSite.EndToEnd.Tests.Support;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// A learner's cluster vanishes behind the site's back (deleted through the agent's socket, as an agent restart would
/// lose it): on reload the player says so, the terminal's reconnect restores it, the notice updates itself (htmx
/// polling) to say what was replayed, the terminal prints the same, and Check passes again on the new cluster. Lost
/// again with the page open, a Check restores it and its response event refreshes the notice.
/// </summary>
public sealed class ClusterRestoreBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions s_slow = new() { Timeout = 90_000 };

    private readonly LabSiteProcess _site = fixture.Site;

    [Fact]
    public async Task A_vanished_cluster_is_restored_on_reload_and_the_player_and_terminal_say_what_was_replayed()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(new Uri(_site.BaseAddress, "/labs/starwars/steps/deploy").ToString());
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        var screen = page.Locator("#terminal .xterm-rows");
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync("kubectl create -f manifests/http-sw-app.yaml && kubectl wait --for=condition=Ready pod --all --timeout=60s");
        await page.Keyboard.PressAsync("Enter");
        await Expect(screen).ToContainTextAsync("pod/xwing condition met", s_slow);
        await page.Locator("#checks").GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(page.Locator("#checks h3")).ToContainTextAsync("All passed", s_slow);

        var cookie = (await chromium.Context.CookiesAsync()).Single(c => c.Name == LearnerCookie.Name);
        Assert.True(LearnerId.TryParse(cookie.Value, out var learner));
        await DestroyAsync(learner);

        await page.ReloadAsync();
        var notice = page.Locator("#cluster-notice");
        await Expect(notice).ToContainTextAsync(new Regex("(not running|being created again|no longer running)"));
        await Expect(notice).ToContainTextAsync(
            "Your cluster was no longer running (the lab agent restarted, or the cluster was deleted). A new one was created and the solution of step 1 (deploy) was replayed",
            s_slow);
        await Expect(screen).ToContainTextAsync("[Your cluster was no longer running", s_slow);
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected");

        await page.Locator("#checks").GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(page.Locator("#checks h3")).ToContainTextAsync("All passed", s_slow);
        await notice.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        // The panel stays as the cluster's status line; dismissing removes the restore's text and its button.
        await Expect(notice.Locator(".cluster-notice__text")).ToHaveCountAsync(0);
        await Expect(notice.GetByRole(AriaRole.Button, new() { Name = "Dismiss" })).ToHaveCountAsync(0);
        await Expect(notice).ToHaveAttributeAsync("data-state", "ready");

        // Gone again while the page stays open: Check restores it, and its cluster-changed event refreshes the notice.
        await DestroyAsync(learner);
        await page.Locator("#checks").GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(notice).ToContainTextAsync("A new one was created and the solution of step 1 (deploy) was replayed", s_slow);
        await Expect(page.Locator("#checks h3")).ToContainTextAsync("All passed");
    }

    private async Task DestroyAsync(LearnerId learner)
    {
        using var agent = new AgentClient(Path.Combine(_site.DataDirectory, "agent.sock"));
        await agent.DestroyAsync(AgentClusterLocator.ClusterName(learner, "starwars"), CancellationToken.None);
    }
}
