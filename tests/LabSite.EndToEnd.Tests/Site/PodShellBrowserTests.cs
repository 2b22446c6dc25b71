using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>
/// <c>kubectl exec -it</c> in the browser's lab terminal against the learner's own netns cluster: the pod's shell takes
/// the terminal (keys, Ctrl-C, window size), and <c>exit</c> gives it back to the lab shell.
/// </summary>
public sealed class PodShellBrowserTests(LabSiteFixture fixture) : IClassFixture<LabSiteFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions s_slow = new() { Timeout = 60_000 };

    private readonly LabSiteProcess _site = fixture.Site;

    [Fact]
    public async Task Learner_opens_a_shell_in_the_deathstar_pod_and_exit_returns_to_the_lab_prompt()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(new Uri(_site.BaseAddress, "/labs/starwars/steps/deploy").ToString());
        await Expect(page.Locator("#terminal-panel")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
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

        await Type("kubectl exec -it deploy/deathstar -- sh", "$ ");
        // Inside the pod: its hostname, a terminal the size of the browser's, and arithmetic only a real shell does.
        await Type("echo in=$(hostname) tty=$(tty) sum=$((6*7))", "sum=42");
        await Expect(screen).ToContainTextAsync("in=deathstar-");
        await page.Keyboard.TypeAsync("echo size=$(stty size)");
        await page.Keyboard.PressAsync("Enter");
        await Expect(screen).ToContainTextAsync(new Regex(@"size=[1-9]\d* [1-9]\d*"), s_slow);

        // Ctrl-C stops the pod's foreground program; the pod's shell lives on.
        await Type("echo started; sleep 30; echo wo''ke", "started");
        await page.Keyboard.PressAsync("Control+C");
        await Type("echo after-$((1+1))", "after-2");
        await Expect(screen).Not.ToContainTextAsync("woke");

        await Type("exit 5", "command terminated with exit code 5");
        // The lab shell again: its own commands (kubectl is not in the pod) answer.
        await Type("echo back-in-the-lab-shell; kubectl get pod tiefighter", "back-in-the-lab-shell");
        await Expect(screen).ToContainTextAsync("Running", s_slow);
    }
}
