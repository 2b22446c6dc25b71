using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// The player's terminal tabs, Files tab and step list in a real browser against a real server and the learner's own
/// netns cluster (issues #6 and #7): several shells, the editor feeding <c>kubectl apply</c>, and a passing Check
/// marking the step done without a reload.
/// </summary>
public sealed class TerminalTabsBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions s_slow = new() { Timeout = 60_000 };

    private readonly LabSiteProcess _site = fixture.Site;

    private string Url(string path) => new Uri(_site.BaseAddress, path).ToString();

    private static ILocator Tab(IPage page, string name) => page.GetByRole(AriaRole.Tab, new() { Name = name, Exact = true });

    private static async Task TypeLineAsync(IPage page, string line)
    {
        await page.Keyboard.TypeAsync(line);
        await page.Keyboard.PressAsync("Enter");
    }

    [Fact]
    public async Task Learner_opens_switches_caps_and_closes_terminal_tabs_and_a_reload_keeps_them()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(Url("/labs/hello-lab/steps/deploy"));
        var panel = page.Locator("#terminal-panel");
        await Expect(panel).ToHaveAttributeAsync("data-state", "connected");
        await Expect(Tab(page, "Terminal 1")).ToHaveAttributeAsync("aria-selected", "true");
        await page.Locator("#terminal").ClickAsync();
        await TypeLineAsync(page, "echo in-one");
        await Expect(page.Locator("#terminal-view-1 .xterm-rows div", new() { HasTextRegex = new Regex("^in-one\\s*$") })).ToHaveCountAsync(1);

        // Tab completes in the shell; Esc then Tab leaves the terminal, so the keyboard is never trapped there.
        var input = page.Locator("#terminal-view-1 textarea");
        await Expect(input).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Tab");
        await Expect(input).Not.ToBeFocusedAsync();
        await page.Locator("#terminal").ClickAsync();

        // "+" opens a second shell, selected and focused: typing goes there, not into the first.
        await page.GetByRole(AriaRole.Button, new() { Name = "New terminal" }).ClickAsync();
        await Expect(Tab(page, "Terminal 2")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(Tab(page, "Terminal 1")).ToHaveAttributeAsync("aria-selected", "false");
        var second = page.Locator("#terminal-view-2 .xterm-rows");
        await Expect(second).ToContainTextAsync("Type 'help'");
        await TypeLineAsync(page, "echo in-two");
        await Expect(second.Locator("div", new() { HasTextRegex = new Regex("^in-two\\s*$") })).ToHaveCountAsync(1);
        await Expect(page.Locator("#terminal-view-1")).ToBeHiddenAsync();

        // Keyboard: arrows move between tabs, and selection follows.
        await Tab(page, "Terminal 2").FocusAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(Tab(page, "Terminal 1")).ToBeFocusedAsync();
        await Expect(Tab(page, "Terminal 1")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Locator("#terminal-view-1 .xterm-rows")).ToContainTextAsync("in-one");
        await Expect(page.Locator("#terminal-view-1 .xterm-rows")).Not.ToContainTextAsync("in-two");

        // The cap: four terminals, then "+" says why nothing opened.
        await page.GetByRole(AriaRole.Button, new() { Name = "New terminal" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New terminal" }).ClickAsync();
        await Expect(Tab(page, "Terminal 4")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(panel).ToHaveAttributeAsync("data-state", "connected");
        await page.GetByRole(AriaRole.Button, new() { Name = "New terminal" }).ClickAsync();
        await Expect(page.Locator("#terminal-message")).ToHaveTextAsync("A lab has at most 4 terminals. Close one (×) to open another.");
        await Expect(page.GetByRole(AriaRole.Tab)).ToHaveCountAsync(6); // four terminals, Files and Flows

        // Close Terminal 2 with its × (the mouse's way: hidden from assistive technology, which uses Delete) and
        // Terminal 3 with Delete; the server ends both shells.
        await page.RunAndWaitForResponseAsync(
            () => page.Locator("#terminal-tablist button[data-close='2'][title='Close Terminal 2 (Delete)']").ClickAsync(),
            r => r.Url.Contains("/terminal/close?tab=2"));
        await Tab(page, "Terminal 3").ClickAsync();
        await Tab(page, "Terminal 3").FocusAsync();
        await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Delete"), r => r.Url.Contains("/terminal/close?tab=3"));
        await Expect(page.GetByRole(AriaRole.Tab)).ToHaveTextAsync(["Terminal 1", "Terminal 4", "Files", "Flows"]);

        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Tab)).ToHaveTextAsync(["Terminal 1", "Terminal 4", "Files", "Flows"]);
        await Expect(panel).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator("#terminal-view-1 .xterm-rows")).ToContainTextAsync("in-one");
    }

    [Fact]
    public async Task A_file_written_in_the_editor_is_what_kubectl_apply_applies()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(Url("/labs/hello-lab/steps/deploy"));
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected");

        await Tab(page, "Files").ClickAsync();
        await Expect(page.Locator(".workspace__file", new() { HasText = "manifests/web.yaml" })).ToBeVisibleAsync();
        await page.GetByLabel("New file").FillAsync("from-editor.yaml");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var text = page.Locator("#workspace-text");
        await Expect(page.Locator(".workspace__status")).ToHaveTextAsync("Created from-editor.yaml.");

        // Tab indents with spaces; Esc then Tab leaves the textarea for the Save button.
        await text.ClickAsync();
        await page.Keyboard.TypeAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("name: from-editor\n");
        await Expect(text).ToHaveValueAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-editor\n");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".workspace__status")).ToHaveTextAsync("Saved from-editor.yaml.");

        // Unsaved edits are not dropped silently: opening another file asks once, in the status line.
        await text.PressAsync("End");
        await page.Keyboard.TypeAsync("# draft");
        var web = page.Locator(".workspace__file", new() { HasText = "manifests/web.yaml" });
        await web.ClickAsync();
        await Expect(page.Locator("#terminal-message")).ToContainTextAsync("Unsaved changes in from-editor.yaml");
        await Expect(page.Locator(".workspace__path")).ToHaveTextAsync("from-editor.yaml");
        await web.ClickAsync();
        await Expect(page.Locator(".workspace__path")).ToHaveTextAsync("manifests/web.yaml");

        await Tab(page, "Terminal 1").ClickAsync();
        await TypeLineAsync(page, "kubectl apply -f from-editor.yaml");
        await Expect(page.Locator("#terminal-view-1 .xterm-rows")).ToContainTextAsync("namespace/from-editor created", s_slow);
    }

    [Fact]
    public async Task A_passing_check_marks_the_step_done_in_the_step_list_without_a_reload()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(Url("/labs/hello-lab/steps/deploy"));
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected");
        await page.EvaluateAsync("() => window.notReloaded = true");
        var screen = page.Locator("#terminal-view-1 .xterm-rows");

        // The step's first code block, sent to the terminal by its button.
        await page.Locator(".lab-code", new() { HasText = "kubectl apply -f manifests/web.yaml" })
            .GetByRole(AriaRole.Button, new() { Name = "Run in terminal" }).ClickAsync();
        await Expect(screen).ToContainTextAsync("pod/web created", s_slow);
        await TypeLineAsync(page, "kubectl wait --for=condition=Ready pod/web --timeout=60s");
        await Expect(screen).ToContainTextAsync("pod/web condition met", s_slow);

        var item = page.Locator("#step-nav-deploy");
        await Expect(item).Not.ToHaveClassAsync(new Regex("is-done"));
        await page.Locator("#checks").GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(page.Locator("#checks h3")).ToContainTextAsync("All passed", s_slow);
        await Expect(item).ToHaveClassAsync(new Regex("is-done"));
        await Expect(item.Locator(".step-nav__done")).ToHaveTextAsync("✓");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark as not done" })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }
}
