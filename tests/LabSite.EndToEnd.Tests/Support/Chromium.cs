namespace LabSite.EndToEnd.Tests.Support;

using Microsoft.Playwright;

/// <summary>
/// Debian's Chromium driven by Playwright: headless, fresh profile, no background traffic. Playwright never
/// downloads a browser here; its driver ships in the NuGet package.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly string userDataDirectory;

    private Chromium(IPlaywright playwright, IBrowserContext context, string userDataDirectory)
    {
        this.playwright = playwright;
        Context = context;
        this.userDataDirectory = userDataDirectory;
    }

    public IBrowserContext Context { get; }

    /// <param name="javaScript">False to check that pages work without scripts, as some learners browse.</param>
    public static async Task<Chromium> LaunchAsync(bool javaScript = true)
    {
        var playwright = await Playwright.CreateAsync();
        var profile = Path.Combine(Path.GetTempPath(), "labsite-chromium-" + Guid.NewGuid().ToString("N"));
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            JavaScriptEnabled = javaScript,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        context.SetDefaultTimeout(15_000);
        return new Chromium(playwright, context, profile);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        playwright.Dispose();
        if (Directory.Exists(userDataDirectory))
        {
            Directory.Delete(userDataDirectory, recursive: true);
        }
    }
}
