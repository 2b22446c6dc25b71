using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LabSite.Testing;
using Microsoft.Playwright;

namespace LabSite.EndToEnd.Tests.Support;

/// <summary>A workshop on a running site, made the way an operator makes one (<c>labsite workshop create</c>), and its first-run admin.</summary>
public static class WorkshopSetup
{
    public const string AdminEmail = "admin@example.org";

    public const string AdminPassword = "correct horse battery";

    /// <summary>A two-hour workshop on <paramref name="lab"/> that started five minutes ago; returns its id and join code.</summary>
    public static async Task<(string Id, string Code)> CreateAsync(LabSiteProcess site, string lab, string title, int seats = 5)
    {
        var start = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "labsite.dll"), "workshop", "create", "--title", title,
                "--lab", lab, "--start", start, "--hours", "2", "--seats", seats.ToString(CultureInfo.InvariantCulture),
                "--content", RepositoryPaths.Content, "--data", site.DataDirectory,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"labsite workshop create failed: {output}{error}");
        var match = Regex.Match(output, "^([0-9a-f]{32})\tcode ([A-Z0-9]{6})", RegexOptions.Multiline);
        Assert.True(match.Success, output);
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>
    /// Signs in as the first-run admin in a new page of <paramref name="browser"/> (no page for the setup: the form posts
    /// with the sign-in page's antiforgery token); the page is left on the sign-in page.
    /// </summary>
    public static async Task<IPage> SignInAsAdminAsync(Chromium browser, LabSiteProcess site)
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(site.BaseAddress, "/instructors/signin").ToString());
        var token = await page.Locator("input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var setup = await page.APIRequest.PostAsync(new Uri(site.BaseAddress, "/instructors/setup").ToString(), new()
        {
            Form = page.APIRequest.CreateFormData().Set("email", AdminEmail).Set("password", AdminPassword).Set("__RequestVerificationToken", token!),
            MaxRedirects = 0,
        });
        Assert.Equal(302, setup.Status);
        return page;
    }
}
