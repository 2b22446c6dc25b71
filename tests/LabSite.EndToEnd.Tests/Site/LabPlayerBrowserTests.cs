using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// A learner in a real browser against a real server and the real hello-lab: catalog search, lab overview,
/// moving between steps without losing the terminal panel, a hint, and progress kept across a reload.
/// </summary>
public sealed class LabPlayerBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private readonly LabSiteProcess _site = fixture.Site;

    private string Url(string path) => new Uri(_site.BaseAddress, path).ToString();

    [Fact]
    public async Task Learner_searches_opens_a_lab_moves_between_steps_reveals_a_hint_and_keeps_progress_after_reload()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();

        await page.GotoAsync(Url("/labs"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Labs", Level = 1 })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.htmx !== undefined");

        // Active search: results and the address bar change in place, without a page load.
        await page.EvaluateAsync("() => window.notReloaded = true");
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("zzz-no-such-lab");
        await Expect(page.Locator("#lab-count")).ToHaveTextAsync(new Regex("^0 of \\d+ labs?$"));
        await Expect(page).ToHaveURLAsync(new Regex("/labs\\?q=zzz-no-such-lab$"));
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("hello");
        var labLink = page.Locator("#lab-results a[href='/labs/hello-lab']");
        await Expect(labLink).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        await labLink.ClickAsync();
        await Expect(page).ToHaveURLAsync(Url("/labs/hello-lab"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Start the lab" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/labs/hello-lab/steps/[a-z0-9-]+$"));
        var firstStep = page.Url;
        await Expect(page.Locator(".player__main")).ToHaveAttributeAsync("data-interactive", "true");

        // Step navigation swaps only the step pane: the terminal panel element survives, the URL follows.
        await page.EvaluateAsync("() => document.getElementById('terminal-panel').dataset.marker = 'same-element'");
        var second = page.Locator(".step-nav li").Nth(1).Locator("a");
        var secondHref = await second.GetAttributeAsync("href");
        await second.ClickAsync();
        await Expect(page).ToHaveURLAsync(Url(secondHref!));
        await Expect(page.Locator(".step-nav a[aria-current=step]")).ToHaveAttributeAsync("href", secondHref!);
        await Expect(page.Locator("#step-title")).ToBeFocusedAsync();
        Assert.Equal("same-element", await page.Locator("#terminal-panel").GetAttributeAsync("data-marker"));

        // Back to the first step (not forced linear), and reveal its first hint.
        await page.Locator(".step-pager a[rel=prev]").ClickAsync();
        await Expect(page).ToHaveURLAsync(firstStep);
        await Expect(page.Locator("#hints li")).ToHaveCountAsync(0);
        await page.Locator("#hints button").ClickAsync();
        await Expect(page.Locator("#hints li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#hint-1")).ToBeFocusedAsync();
        var hint = await page.Locator("#hint-1").InnerTextAsync();

        // Marking the step done updates the toggle and the step list, over the circuit.
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark this step as done" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark as not done" })).ToBeVisibleAsync();
        await Expect(page.Locator(".step-nav li").Nth(0)).ToHaveClassAsync("is-done");

        // Reload: the hint and the visited steps are still there.
        await page.ReloadAsync();
        await Expect(page.Locator("#hints li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#hint-1")).ToHaveTextAsync(hint);
        await Expect(page.Locator(".step-nav li").Nth(1)).ToHaveClassAsync("is-visited");
        await Expect(page.Locator(".step-nav li").Nth(0)).ToHaveClassAsync("is-done");

        // "Continue the lab" comes back to where the learner was.
        await page.GotoAsync(Url("/labs/hello-lab"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue the lab" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(firstStep);
    }

    [Fact]
    public async Task Theme_toggle_switches_and_the_choice_survives_a_reload()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.GotoAsync(Url("/"));

        var toggle = page.Locator("#theme-toggle");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");

        await toggle.ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(15, 20, 25)", background);

        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }

    [Fact]
    public async Task Without_javascript_the_hint_form_still_works()
    {
        await using var chromium = await Chromium.LaunchAsync(javaScript: false);
        var page = await chromium.Context.NewPageAsync();

        await page.GotoAsync(Url("/labs/hello-lab/play"));
        await page.Locator("#hints button").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/labs/hello-lab/steps/[a-z0-9-]+#hint-1$"));
        await Expect(page.Locator("#hints li")).ToHaveCountAsync(1);
    }
}
