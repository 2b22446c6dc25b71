using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Support;

/// <summary>A learner's hello-lab player in one page: terminal connected, pods deployed, traffic sent, so the flow map has something to draw.</summary>
public static class HelloLabSession
{
    private static readonly LocatorAssertionsToContainTextOptions s_slow = new() { Timeout = 90_000 };

    /// <summary>Opens the lab's first step and waits for the terminal and the player's circuit.</summary>
    public static async Task OpenAsync(IPage page, LabSiteProcess site)
    {
        await page.GotoAsync(new Uri(site.BaseAddress, "/labs/hello-lab/steps/deploy").ToString());
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 60_000 });
        await Expect(page.Locator(".player__main")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
    }

    /// <summary>Types a command line into the active terminal and waits for <paramref name="expect"/> on its screen.</summary>
    public static async Task TypeAsync(IPage page, string line, string expect)
    {
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync(line);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#terminal .xterm-rows")).ToContainTextAsync(expect, s_slow);
    }

    /// <summary>Deploys web and the two clients and has the client call web once.</summary>
    public static async Task DeployAndCallAsync(IPage page)
    {
        await TypeAsync(page, "kubectl apply -f manifests/web.yaml -f manifests/clients.yaml && kubectl wait --for=condition=Ready pod --all --timeout=60s",
            "pod/intruder condition met");
        // The typed line shows the format, not the code: "200" on the screen is curl's answer.
        await TypeAsync(page, CallWeb("client"), "200");
    }

    /// <summary>The command line for one HTTP request from <paramref name="client"/> to the web Service (prints the status code).</summary>
    public static string CallWeb(string client) =>
        $"kubectl exec {client} -- curl -s -o /dev/null -w '%{{http_code}}\\n' http://web.default.svc.cluster.local/";

    /// <summary>Opens the Flows tab and waits until the map draws <paramref name="nodes"/> or more workloads.</summary>
    public static async Task OpenFlowsAsync(IPage page, int nodes = 2)
    {
        await page.Locator("#terminal-tab-flows").ClickAsync();
        await Expect(page.Locator("#flowmap-view")).ToBeVisibleAsync();
        await Expect(page.Locator("#flowmap-view .flowmap__node").Nth(nodes - 1)).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }
}
