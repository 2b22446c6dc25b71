using Microsoft.Playwright;

namespace LabSite.EndToEnd.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright: headless, fresh profile, no background traffic. Playwright never
/// downloads a browser here; its driver ships in the NuGet package.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>How long an Expect waits (Playwright's own default is 5 s). The test machines are shared and often
    /// heavily loaded (a circuit can take seconds to start): wait for the page, never assert on how long it took.
    /// Process-wide, so it no longer depends on whether another test class happened to set it first.</summary>
    public const float ExpectTimeoutMs = 20_000;

    static Chromium() => Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);

    private readonly IPlaywright _playwright;
    private readonly string _userDataDirectory;

    private Chromium(IPlaywright playwright, IBrowserContext context, string userDataDirectory)
    {
        this._playwright = playwright;
        Context = context;
        this._userDataDirectory = userDataDirectory;
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
        _playwright.Dispose();
        if (Directory.Exists(_userDataDirectory))
        {
            Directory.Delete(_userDataDirectory, recursive: true);
        }
    }
}
