using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// A workshop in real browsers against a real <c>labsite serve</c> with its own agent: an instructor and three attendees,
/// each in their own browser. They join by code; one deploys the Star Wars app and the console's roster turns that check
/// green by itself; the instructor shadows her terminal (and sees what she types), takes it over with her consent,
/// resets her, catches another up to step 2 (the restore path replays step 1), locks the room at step 2 and releases it.
/// </summary>
public sealed class WorkshopConsoleBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions s_slow = new() { Timeout = 90_000 };
    private static readonly LocatorAssertionsToHaveClassOptions s_slowClass = new() { Timeout = 90_000 };

    private readonly LabSiteProcess _site = fixture.Site;

    private string Url(string path) => new Uri(_site.BaseAddress, path).ToString();

    [Fact]
    public async Task An_instructor_watches_three_attendees_live_shadows_takes_over_resets_catches_up_and_paces()
    {
        try
        {
            await RunAsync();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // The server's side of the story: what it logged while the browsers waited.
            var output = _site.Output;
            throw new InvalidOperationException($"{e.Message}\n--- labsite serve, last lines ---\n{output[Math.Max(0, output.Length - 6000)..]}", e);
        }
    }

    private async Task RunAsync()
    {
        var (workshopId, code) = await WorkshopSetup.CreateAsync(_site, "starwars", "Star Wars for three");
        await using var teacherBrowser = await Chromium.LaunchAsync();
        var console = await SignInAsAdminAsync(teacherBrowser, workshopId);

        await using var adaBrowser = await Chromium.LaunchAsync();
        await using var bobBrowser = await Chromium.LaunchAsync();
        await using var cydBrowser = await Chromium.LaunchAsync();
        var ada = await JoinAsync(adaBrowser, code, "Ada");
        var bob = await JoinAsync(bobBrowser, code, "Bob");
        var cyd = await JoinAsync(cydBrowser, code, "Cyd");

        var roster = console.Locator("#roster tbody");
        await Expect(roster.Locator("tr")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        var adaRow = roster.Locator("tr[data-name='Ada']");
        await Expect(adaRow.Locator(".presence")).ToHaveTextAsync("connected", new() { Timeout = 60_000 });
        await Expect(adaRow.Locator(".roster__step")).ToContainTextAsync("starwars · 1/6");
        // Before Ada deploys anything, her first check fails on the roster.
        var adaDeathstar = adaRow.Locator("[id$='-deathstar-ready']");
        await Expect(adaDeathstar).ToHaveClassAsync(new Regex("check--failed"), s_slowClass);

        // Shadow: the instructor's second page shows what Ada types, as she types it.
        var shadow = await teacherBrowser.Context.NewPageAsync();
        await shadow.GotoAsync(Url(await adaRow.GetByRole(AriaRole.Link, new() { Name = "Shadow" }).GetAttributeAsync("href") ?? ""));
        await Expect(shadow.Locator("#shadow")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        var shadowScreen = shadow.Locator("#shadow .xterm-rows");
        await TypeAsync(ada, "kubectl create -f manifests/http-sw-app.yaml && kubectl wait --for=condition=Ready pod --all --timeout=60s", "pod/xwing condition met");
        await Expect(shadowScreen).ToContainTextAsync("kubectl create -f manifests/http-sw-app.yaml", s_slow);
        await Expect(shadowScreen).ToContainTextAsync("pod/xwing condition met", s_slow);

        // The roster turns her check green by itself: nobody pressed Check anywhere.
        await Expect(adaDeathstar).ToHaveClassAsync(new Regex("check--passed"), s_slowClass);
        await Expect(adaRow.Locator("[id$='-xwing-ready']")).ToHaveClassAsync(new Regex("check--passed"), s_slowClass);

        // Typing in the shadow does nothing until Ada consents; then it reaches her shell; she takes it back.
        await shadow.Locator("#shadow").ClickAsync();
        await shadow.Keyboard.TypeAsync("echo not-yet-allowed");
        await shadow.Keyboard.PressAsync("Enter");
        await adaRow.GetByRole(AriaRole.Button, new() { Name = "Ask to take over" }).ClickAsync();
        await Expect(ada.Locator("#takeover")).ToContainTextAsync("asks to type in your terminal", s_slow);
        await ada.Locator("#takeover-allow").ClickAsync();
        await Expect(adaRow).ToContainTextAsync("taken over");
        await shadow.Locator("#shadow").ClickAsync();
        await shadow.Keyboard.TypeAsync("echo helped-by-teacher");
        await shadow.Keyboard.PressAsync("Enter");
        var adaScreen = ada.Locator("#terminal .xterm-rows");
        await Expect(adaScreen).ToContainTextAsync("helped-by-teacher", s_slow);
        await Expect(adaScreen).Not.ToContainTextAsync("not-yet-allowed");
        await ada.Locator("#takeover-revoke").ClickAsync();
        await Expect(ada.Locator("#takeover")).ToHaveCountAsync(0);

        // Raise a hand and broadcast.
        await bob.Locator("#raise-hand").ClickAsync();
        await Expect(roster.Locator("tr[data-name='Bob']")).ToContainTextAsync("hand up", s_slow);
        await console.Locator("#broadcast-text").FillAsync("Break until 10:30");
        await console.Locator("#broadcast-send").ClickAsync();
        await Expect(cyd.Locator("#broadcast")).ToContainTextAsync("Break until 10:30", s_slow);

        // Reset Ada: fresh cluster, nothing deployed, her page reloads; her check fails again on the roster.
        var reset = adaRow.Locator(".button--danger");
        await reset.ClickAsync();
        await Expect(reset).ToContainTextAsync("Confirm reset");
        await ada.EvaluateAsync("() => window.beforeReset = true");
        await reset.ClickAsync();
        await Expect(console.Locator("#console-status")).ToContainTextAsync("Ada: fresh cluster for", s_slow);
        await ada.WaitForFunctionAsync("() => window.beforeReset === undefined", null, new() { Timeout = 60_000 });
        await Expect(adaDeathstar).ToHaveClassAsync(new Regex("check--failed"), s_slowClass);
        await TypeAsync(ada, "kubectl get pods", "No resources found in default namespace.");

        // Catch Cyd up to step 2: the deploy step's solution is replayed into a fresh cluster, and her page moves there.
        var cydRow = roster.Locator("tr[data-name='Cyd']");
        await cydRow.Locator(".roster__catchup input").FillAsync("2");
        await cydRow.Locator(".roster__catchup input").DispatchEventAsync("change");
        await cydRow.GetByRole(AriaRole.Button, new() { Name = "Catch up" }).ClickAsync();
        await Expect(console.Locator("#console-status")).ToContainTextAsync("Cyd: fresh cluster for", s_slow);
        await Expect(console.Locator("#console-status")).ToContainTextAsync("now at step 2", s_slow);
        await Expect(cyd).ToHaveURLAsync(new Regex("/labs/starwars/steps/land$"), new() { Timeout = 60_000 });
        await Expect(cydRow.Locator(".roster__step")).ToContainTextAsync("starwars · 2/6", s_slow);
        await TypeAsync(cyd, "kubectl get pods xwing", "Running");

        // Pace: locked at step 2, Bob cannot open step 3 (sent back, told why); released, he can.
        await console.Locator("#pace-step").FillAsync("2");
        await console.Locator("#pace-step").DispatchEventAsync("change");
        await console.Locator("#pace-lock").ClickAsync();
        await Expect(console.Locator("#pace-status")).ToContainTextAsync("Locked at starwars step 2", s_slow);
        await Expect(bob.Locator("#pace-notice")).ToContainTextAsync("paused the room at step 2", s_slow);
        await bob.GotoAsync(Url("/labs/starwars/steps/identities"));
        await Expect(bob).ToHaveURLAsync(new Regex("/labs/starwars/steps/land$"));
        await console.Locator("#pace-release").ClickAsync();
        await Expect(console.Locator("#pace-status")).ToContainTextAsync("Open", s_slow);
        await bob.GotoAsync(Url("/labs/starwars/steps/identities"));
        await Expect(bob).ToHaveURLAsync(new Regex("/labs/starwars/steps/identities$"));
        await Expect(bob.Locator("#pace-notice")).ToHaveCountAsync(0);
    }

    private async Task<IPage> SignInAsAdminAsync(Chromium browser, string workshopId)
    {
        var page = await WorkshopSetup.SignInAsAdminAsync(browser, _site);
        await page.GotoAsync(Url($"/workshops/{workshopId}/console"));
        await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        return page;
    }

    private async Task<IPage> JoinAsync(Chromium browser, string code, string name)
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(Url("/join/" + code));
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/labs/starwars$"));
        await page.GotoAsync(Url("/labs/starwars/steps/deploy"));
        await Expect(page.Locator("#attendee-bar")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 60_000 });
        return page;
    }

    private static async Task TypeAsync(IPage page, string line, string expect)
    {
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync(line);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#terminal .xterm-rows")).ToContainTextAsync(expect, s_slow);
    }
}
