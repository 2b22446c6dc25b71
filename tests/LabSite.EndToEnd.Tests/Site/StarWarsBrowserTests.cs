using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// The Star Wars L3/L4 step played in a real browser against a real server and the learner's own netns cluster:
/// commands typed into the terminal, then Check, which first explains what is missing and passes after the policy; the
/// Flows tab shows the X-wing's drops live and explains them.
/// </summary>
public sealed class StarWarsBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions s_slow = new() { Timeout = 60_000 };

    private readonly LabSiteProcess _site = fixture.Site;

    [Fact]
    public async Task Learner_types_the_L3_L4_steps_and_Check_fails_first_then_passes()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(new Uri(_site.BaseAddress, "/labs/starwars/steps/l3-l4").ToString());
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        await Expect(page.Locator(".player__main")).ToHaveAttributeAsync("data-interactive", "true");
        await page.EvaluateAsync("() => window.notReloaded = true");
        var screen = page.Locator("#terminal .xterm-rows");
        await page.Locator("#terminal").ClickAsync();

        async Task Type(string line, string expect)
        {
            await page.Keyboard.TypeAsync(line);
            await page.Keyboard.PressAsync("Enter");
            await Expect(screen).ToContainTextAsync(expect, s_slow);
        }

        await Type("kubectl create -f manifests/http-sw-app.yaml", "pod/xwing created");
        await Type("kubectl wait --for=condition=Ready pod --all --timeout=60s", "pod/xwing condition met");
        await Type("kubectl exec xwing -- curl -s -XPOST deathstar.default.svc.cluster.local/v1/request-landing", "Ship landed");

        // Before the policy: Check explains what it expected and what it saw.
        var checks = page.Locator("#checks");
        await checks.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        var enforcement = page.Locator("#check-deathstar-enforces-ingress");
        await Expect(enforcement).ToHaveClassAsync(new Regex("check--failed"), new() { Timeout = 60_000 });
        await Expect(enforcement.Locator(".check__explanation")).ToContainTextAsync("Disabled", s_slow);

        await page.Locator("#terminal").ClickAsync(); // the Check button took the keyboard focus

        await Type("kubectl create -f manifests/sw_l3_l4_policy.yaml", "ciliumnetworkpolicy.cilium.io/rule1 created");
        await Type("kubectl exec xwing -- curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing", "command terminated with exit code 28");
        await Type("hubble observe --to-pod deathstar --verdict DROPPED --last 1", "Policy denied DROPPED");

        // The Flows tab: the X-wing's drops are an edge of their own, and a new attempt shows up live.
        await page.Locator("#terminal-tab-flows").ClickAsync();
        var map = page.Locator("#flowmap-view");
        // The Death Star's replicas are one node (their generated pod names show the Deployment); counts add up.
        var dropEdges = map.Locator(".flowmap__edge--dropped[data-edge^='default/xwing>default/deathstar']");
        await Expect(dropEdges.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        async Task<int> Drops() => (await dropEdges.Locator("text").AllTextContentsAsync()).Sum(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture));
        var before = await Drops();
        await page.Locator("#terminal-tab-1").ClickAsync();
        await Type("kubectl exec xwing -- curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing", "command terminated with exit code 28");
        await page.Locator("#terminal-tab-flows").ClickAsync();
        for (var i = 0; i < 60 && await Drops() <= before; i++)
        {
            await page.WaitForTimeoutAsync(500);
        }
        Assert.True(await Drops() > before, "the new drop did not appear on the map without a reload");
        // Keyboard: a dropped row takes focus and Enter opens why it was dropped.
        await map.Locator(".flowmap__row--dropped").First.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(map.Locator(".flowmap__fix")).ToHaveTextAsync(
            "add to rule1's ingress fromEndpoints a selector matching org=alliance,class=xwing on TCP/80", new() { Timeout = 30_000 });
        await Expect(map.Locator(".flowmap__explain")).ToContainTextAsync("CiliumNetworkPolicy default/rule1");
        await page.Locator("#terminal-tab-1").ClickAsync();

        // The panel re-checks live while checks fail, so it may already be green; pressing Check again is harmless.
        await page.Locator("#checks").GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(page.Locator("#checks h3")).ToContainTextAsync("All passed", new() { Timeout = 90_000 });
        await Expect(page.Locator("#check-xwing-dropped")).ToHaveClassAsync(new Regex("check--passed"));
        await Expect(page.Locator("#check-map-allows-tiefighter")).ToHaveClassAsync(new Regex("check--passed"));
        // Green without a reload, and the step list follows.
        await Expect(page.Locator("#step-nav-l3-l4")).ToHaveClassAsync("is-done");
        await Expect(page.Locator("#step-nav-l3-l4 .step-nav__done")).ToHaveTextAsync("✓");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }

    [Fact]
    public async Task A_killed_circuit_shows_the_reconnect_dialog_and_the_player_works_again_after_it()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(new Uri(_site.BaseAddress, "/labs/starwars/steps/deploy").ToString());
        await Expect(page.Locator(".player__main")).ToHaveAttributeAsync("data-interactive", "true");
        await page.EvaluateAsync(@"() => {
            window.notReloaded = true;
            window.reconnectStates = [];
            document.getElementById('components-reconnect-modal')
                .addEventListener('components-reconnect-state-changed', e => window.reconnectStates.push(e.detail.state));
        }");

        // Blazor's own test hook closes the SignalR connection, as a network drop would.
        await page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");

        await page.WaitForFunctionAsync("() => window.reconnectStates.includes('show')");
        await page.WaitForFunctionAsync("() => window.reconnectStates.includes('hide')", null, new() { Timeout = 30_000 });
        await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
        // The same circuit is back: the player still answers without a reload.
        var hints = page.Locator("#hints li");
        var before = await hints.CountAsync();
        await page.Locator("#hints button").ClickAsync();
        await Expect(hints).ToHaveCountAsync(before + 1);
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }
}
