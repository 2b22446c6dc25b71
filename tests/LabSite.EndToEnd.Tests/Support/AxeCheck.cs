using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LabSite.EndToEnd.Tests.Support;

/// <summary>
/// Runs axe-core (Deque.AxeCore.Playwright) on a page as it is now, in the light and then the dark theme (set the way
/// the theme toggle sets it, so the page keeps its state), and fails on any serious or critical violation, naming each
/// one's rule id, impact and the elements it hit.
/// </summary>
public static class AxeCheck
{
    private static readonly string[] s_blocking = ["serious", "critical"];

    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what)
    {
        var found = new List<string>();
        foreach (var theme in new[] { "light", "dark" })
        {
            await page.EvaluateAsync("theme => document.documentElement.setAttribute('data-theme', theme)", theme);
            var result = await page.RunAxe();
            found.AddRange(Describe(result, $"{what} ({theme} theme)"));
        }
        Assert.True(found.Count == 0, $"axe found {found.Count} serious or critical violation(s):\n{string.Join("\n", found)}");
    }

    private static IEnumerable<string> Describe(AxeResult result, string where) =>
        result.Violations
            .Where(v => s_blocking.Contains(v.Impact))
            .SelectMany(v => v.Nodes.Select(n => $"{where}: {v.Id} [{v.Impact}] at {n.Target}: {v.Help}: {Why(n)}"));

    private static string Why(AxeResultNode node) =>
        string.Join("; ", (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message).Distinct());
}
