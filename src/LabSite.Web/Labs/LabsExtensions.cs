using LabSite.Scenarios.Loading;
using LabSite.Web.Progress;

namespace LabSite.Web.Labs;

/// <summary>Registers the lab catalog and learners' progress.</summary>
public static class LabsExtensions
{
    public static IServiceCollection AddLabs(this IServiceCollection services, SiteOptions options)
    {
        services.AddSingleton(sp => new LabCatalogSource(LoadCatalog(options, sp.GetRequiredService<ILogger<LabCatalogSource>>())));
        services.AddHostedService<LabCatalogWatcher>();
        services.AddScoped<LabProgressStore>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Loads the catalog now rather than on the first request, so a missing content folder fails at start.</summary>
    public static LabCatalogSource LoadLabCatalog(this IServiceProvider services) => services.GetRequiredService<LabCatalogSource>();

    private static LabCatalog LoadCatalog(SiteOptions options, ILogger logger)
    {
        var labsDirectory = Path.Combine(options.ContentDirectory, "labs");
        if (!Directory.Exists(labsDirectory))
        {
            throw new DirectoryNotFoundException(
                $"no labs folder at {labsDirectory}: pass the folder that holds labs/ with --content DIR");
        }

        var catalog = LabCatalogLoader.Load(labsDirectory);
        logger.LogInformation("Loaded {Count} labs from {Directory}", catalog.Labs.Count, labsDirectory);
        foreach (var broken in catalog.Broken)
        {
            // Authors see these on /authors too; the log is for whoever deploys the content.
            logger.LogWarning("Lab {Id} is unavailable:{NewLine}{Diagnostics}", broken.Id, Environment.NewLine,
                string.Join(Environment.NewLine, broken.Diagnostics));
        }

        return catalog;
    }
}
