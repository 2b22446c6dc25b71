using LabSite.Scenarios.Loading;

namespace LabSite.Web.Labs;

/// <summary>
/// Reloads the catalog when files under <c>&lt;content&gt;/labs</c> change, so an author sees an edit (or its errors on
/// /authors) with a page refresh instead of a restart. Changes are debounced: an editor's save is several events.
/// A reload that fails keeps the previous catalog. Without file watching (e.g. inotify limits), the site just keeps
/// the catalog it started with.
/// </summary>
public sealed class LabCatalogWatcher(SiteOptions options, LabCatalogSource source, ILogger<LabCatalogWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_debounce = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var labs = Path.Combine(options.ContentDirectory, "labs");
        if (!Directory.Exists(labs))
        {
            return;
        }

        using var changed = new SemaphoreSlim(0);
        FileSystemWatcher watcher;
        try
        {
            watcher = new FileSystemWatcher(labs) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Not watching {Directory} for lab changes ({Message}); restart the site to pick up edits", labs, e.Message);
            return;
        }

        using (watcher)
        {
            void Signal(object? sender, EventArgs e) => changed.Release();
            watcher.Changed += Signal;
            watcher.Created += Signal;
            watcher.Deleted += Signal;
            watcher.Renamed += Signal;

            while (!stoppingToken.IsCancellationRequested)
            {
                await changed.WaitAsync(stoppingToken);
                await Task.Delay(s_debounce, stoppingToken);
                while (changed.CurrentCount > 0)
                {
                    await changed.WaitAsync(stoppingToken);
                }

                Reload(labs);
            }
        }
    }

    private void Reload(string labs)
    {
        try
        {
            var catalog = LabCatalogLoader.Load(labs);
            source.Replace(catalog);
            logger.LogInformation("Reloaded labs from {Directory}: {Count} available, {Broken} unavailable", labs, catalog.Labs.Count, catalog.Broken.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Keeping the previous lab catalog: reloading {Directory} failed: {Message}", labs, e.Message);
        }
    }
}
