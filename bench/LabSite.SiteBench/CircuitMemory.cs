using System.Diagnostics;
using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using LabSite.TerminalBench;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LabSite.SiteBench;

/// <summary>
/// Interactive circuits held at once. N learners (one Chromium context each: their own cookie) open the hello-lab lab
/// player, whose two InteractiveServer roots (player, flow map) share one circuit, 4 at a time; levels are cumulative.
/// The terminal WebSocket is answered in the browser by a stub, so no lab cluster is created: this measures circuits
/// (the terminal and its cluster are TerminalBench's `terminals` mode, ~2.4 MiB of site RSS each). At each level: the
/// site's RSS against the baseline before any circuit, per circuit, and a live round trip (a hint revealed) on a sample
/// of the players to show their circuits still answer.
/// </summary>
public static class CircuitMemory
{
    public static async Task RunAsync(LabSiteProcess site, int[] levels, CancellationToken ct)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        // Warm the site (JIT, catalog, SQLite) with one player opened and closed, then the baseline.
        var warm = await OpenAsync(browser, site);
        await warm.Context.CloseAsync();
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var baseKiB = HostMemory.RssKiB(site.ProcessId);
        Console.WriteLine($"site RSS with no circuit (warm): {baseKiB / 1024} MiB");
        Console.WriteLine("| circuits | opened | open p50 / p95 | hint round trip ok (sample of 10) | site RSS | RSS per circuit | load |");
        Console.WriteLine("|---|---|---|---|---|---|---|");

        var pages = new List<IPage>();
        var opening = new Latencies();
        foreach (var level in levels)
        {
            while (pages.Count < level)
            {
                var batch = Math.Min(4, level - pages.Count);
                var opened = await Task.WhenAll(Enumerable.Range(0, batch).Select(async _ =>
                {
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        var page = await OpenAsync(browser, site);
                        opening.Add(watch.Elapsed);
                        return page;
                    }
                    catch (Exception e) when (e is PlaywrightException or TimeoutException)
                    {
                        Console.WriteLine($"a player did not become interactive: {e.Message.Split('\n')[0]}");
                        return null;
                    }
                }));
                pages.AddRange(opened.OfType<IPage>());
                if (opened.Any(p => p is null))
                {
                    break;
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var rss = HostMemory.RssKiB(site.ProcessId);
            var ok = 0;
            foreach (var page in pages.OrderBy(_ => Random.Shared.Next()).Take(10))
            {
                if (await RevealHintAsync(page))
                {
                    ok++;
                }
            }
            Console.WriteLine(FormattableString.Invariant(
                $"| {level} | {pages.Count} | {opening.Percentile(0.5) / 1000:0.00} s / {opening.Percentile(0.95) / 1000:0.00} s | {ok}/{Math.Min(10, pages.Count)} | {rss / 1024} MiB | {(rss - baseKiB) / 1024.0 / Math.Max(1, pages.Count):0.00} MiB | {HostMemory.Load().Split(' ')[0]} |"));
            if (pages.Count < level)
            {
                break;
            }
        }
        Console.WriteLine($"(Chromium {browser.Version}; {pages.Count} players open at the end)");
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, LabSiteProcess site)
    {
        // A context per learner: its own cookie jar, so its own learner and circuit.
        var context = await browser.NewContextAsync();
        await context.RouteWebSocketAsync(new Regex("/terminal"), ws => { /* not connected to the server: no cluster */ });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(site.BaseAddress, "/labs/hello-lab/steps/deploy").ToString(), new() { Timeout = 120_000 });
        await Expect(page.Locator(".player__main")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 120_000 });
        await Expect(page.Locator("#flowmap-view .flowmap")).ToHaveAttributeAsync("data-state", new Regex("waiting|starting"), new() { Timeout = 120_000 });
        return page;
    }

    private static async Task<bool> RevealHintAsync(IPage page)
    {
        try
        {
            var items = page.Locator("#hints li");
            var before = await items.CountAsync();
            var button = page.Locator("#hints button");
            if (await button.CountAsync() == 0)
            {
                return true; // every hint already shown by an earlier sample: the circuit answered then
            }
            await button.ClickAsync(new() { Timeout = 30_000 });
            await Expect(items).ToHaveCountAsync(before + 1, new() { Timeout = 30_000 });
            return true;
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            return false;
        }
    }
}
