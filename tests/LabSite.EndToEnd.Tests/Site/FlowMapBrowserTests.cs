using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// The hello-lab player and its live flow map in a real browser against a real server and the learner's netns
/// cluster: everything done with the keyboard alone, and the map still following live after its circuit was killed.
/// </summary>
public sealed class FlowMapBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    // Sums the counts on the client's edges: how many flows from client the map has drawn.
    private const string ClientFlowsScript =
        "() => [...document.querySelectorAll(\"#flowmap-view .flowmap__edge[data-edge^='default/client>'] text\")].reduce((n, t) => n + Number(t.textContent), 0)";

    private readonly LabSiteProcess _site = fixture.Site;

    [Fact]
    public async Task The_player_and_the_flow_map_work_with_the_keyboard_alone()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await HelloLabSession.OpenAsync(page, _site);
        await HelloLabSession.DeployAndCallAsync(page);

        // From here on only the keyboard: a fresh load of the same step (the cluster keeps running).
        await page.ReloadAsync();
        await Expect(page.Locator(".player__main")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        // The page starts in the terminal, where Tab completes; Esc then Shift+Tab leaves it (no keyboard trap).
        await Expect(page.Locator("#terminal textarea").First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Shift+Tab");
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('terminal').contains(document.activeElement)"), "Esc, Shift+Tab did not leave the terminal");
        await TabToAsync(page, "a.skip-link", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#main")).ToBeFocusedAsync();
        Assert.EndsWith("/labs/hello-lab/steps/deploy#main", page.Url);

        // The step marked done (or not), then a hint, through the circuit.
        // The live check may already have marked the step done: the toggle flips whichever way it stands.
        var toggle = "#step-pane button:text-matches('^Mark ')";
        var done = await page.Locator("#step-nav-deploy").GetAttributeAsync("class") == "is-done";
        await TabToAsync(page, toggle);
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator(toggle)).ToHaveTextAsync(done ? "Mark this step as done" : "Mark as not done");
        await Expect(page.Locator(toggle)).ToBeFocusedAsync();
        await TabToAsync(page, "#hints button");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#hint-1")).ToBeFocusedAsync();

        // The tabs: arrow keys and End move between them, selection follows focus.
        await TabToAsync(page, "#terminal-tablist [role=tab][aria-selected=true]");
        await page.Keyboard.PressAsync("End");
        var flowsTab = page.Locator("#terminal-tab-flows");
        await Expect(flowsTab).ToBeFocusedAsync();
        await Expect(flowsTab).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Locator("#flowmap-view")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(page.Locator("#terminal-tab-files")).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(flowsTab).ToHaveAttributeAsync("aria-selected", "true");

        // A workload on the map: Enter selects it and filters the table to its flows; Enter again shows all.
        var map = page.Locator("#flowmap-view");
        await Expect(map.Locator(".flowmap__node[data-node='default/client']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await TabToAsync(page, "#flowmap-view .flowmap__node[data-node='default/client']");
        await page.Keyboard.PressAsync("Enter");
        var client = map.Locator(".flowmap__node[data-node='default/client']");
        await Expect(client).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(map.GetByRole(AriaRole.Button, new() { Name = "Show all (default/client selected)" })).ToBeVisibleAsync();
        var rows = map.Locator(".flowmap__row");
        await Expect(rows.First).ToBeVisibleAsync();
        foreach (var row in await rows.AllInnerTextsAsync())
        {
            Assert.Contains("default/client", row);
        }
        await page.Keyboard.PressAsync("Enter");
        await Expect(client).ToHaveAttributeAsync("aria-pressed", "false");

        // An edge the same way, then the verdict filter from the keyboard.
        await TabToAsync(page, "#flowmap-view .flowmap__edge");
        await page.Keyboard.PressAsync("Enter");
        await Expect(map.Locator(".flowmap__edge.is-selected")).ToHaveCountAsync(1);
        await TabToAsync(page, "#flowmap-view select[name=verdict]");
        await page.Keyboard.PressAsync("ArrowDown"); // FORWARDED
        await Expect(map.Locator(".flowmap__command")).ToContainTextAsync("--verdict FORWARDED");
    }

    [Fact]
    public async Task After_a_killed_circuit_reconnects_new_flows_still_appear_live_without_a_reload()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await HelloLabSession.OpenAsync(page, _site);
        await HelloLabSession.DeployAndCallAsync(page);
        await HelloLabSession.OpenFlowsAsync(page);
        await page.WaitForFunctionAsync(ClientFlowsScript + " > 0", null, new() { Timeout = 60_000 });
        await page.EvaluateAsync(@"() => {
            window.notReloaded = true;
            window.reconnectStates = [];
            document.getElementById('components-reconnect-modal')
                .addEventListener('components-reconnect-state-changed', e => window.reconnectStates.push(e.detail.state));
        }");

        // Blazor's own test hook closes the SignalR connection (both roots share it), as a network drop would.
        await page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");
        await page.WaitForFunctionAsync("() => window.reconnectStates.includes('show')");
        await page.WaitForFunctionAsync("() => window.reconnectStates.includes('hide')", null, new() { Timeout = 30_000 });

        // New traffic after the reconnect reaches the map live.
        var before = await page.EvaluateAsync<int>(ClientFlowsScript);
        await page.Locator("#terminal-tab-1").ClickAsync();
        await HelloLabSession.TypeAsync(page, HelloLabSession.CallWeb("client") + " && echo again", "again");
        await page.Locator("#terminal-tab-flows").ClickAsync();
        await page.WaitForFunctionAsync($"() => ({ClientFlowsScript})() > {before}", null, new() { Timeout = 60_000 });
        await Expect(page.Locator("#flowmap-view .flowmap")).ToHaveAttributeAsync("data-state", "following");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="selector"/>'s first match has focus (bounded, so a trap fails the test).</summary>
    private static async Task TabToAsync(IPage page, string selector, bool backwards = false)
    {
        var target = page.Locator(selector).First;
        for (var i = 0; i < 200; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"Tab never reached {selector}; focus is on {focused}");
    }
}
