using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// The lab terminal in a real browser against a real server: xterm.js connects over the WebSocket, typed keys run in
/// the lab shell, and a reload reconnects to the same session with its screen and history.
/// </summary>
public sealed class TerminalBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    // The lab cluster starts with the terminal; on a loaded machine that takes longer than Playwright's 5 s default.
    private static readonly LocatorAssertionsToHaveAttributeOptions s_clusterUp = new() { Timeout = 30_000 };

    private readonly LabSiteProcess _site = fixture.Site;

    private string Url(string path) => new Uri(_site.BaseAddress, path).ToString();

    [Fact]
    public async Task Learner_types_in_the_terminal_and_a_reload_keeps_the_session()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(Url("/labs/hello-lab"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Start the lab" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/labs/hello-lab/steps/[a-z0-9-]+$"));

        var panel = page.Locator("#terminal-panel");
        await Expect(panel).ToHaveAttributeAsync("data-state", "connected", s_clusterUp);
        var screen = page.Locator("#terminal .xterm-rows");
        await Expect(screen).ToContainTextAsync("Type 'help'");

        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync("echo hello from the lab | grep -c hello");
        await page.Keyboard.PressAsync("Enter");
        await Expect(screen).ToContainTextAsync("echo hello from the lab | grep -c hello");
        await Expect(screen.Locator("div", new() { HasTextRegex = new Regex("^1\\s*$") })).ToHaveCountAsync(1);

        await page.Keyboard.TypeAsync("kubectl get pods");
        await page.Keyboard.PressAsync("Enter");
        await Expect(screen).ToContainTextAsync("No resources found in default namespace.", new() { Timeout = 30_000 });

        await page.ReloadAsync();
        await Expect(panel).ToHaveAttributeAsync("data-state", "connected", s_clusterUp);
        await Expect(screen).ToContainTextAsync("echo hello from the lab | grep -c hello");
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(screen).ToContainTextAsync(new Regex("\\$ kubectl get pods\\s*$"));
    }
}
