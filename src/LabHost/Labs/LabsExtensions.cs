namespace LabSite.LabHost.Labs;

using LabSite.LabHost.Progress;
using LabSite.LabHost.Web;
using LabSite.Scenarios.Loading;

/// <summary>Registers the lab catalog and learners' progress.</summary>
public static class LabsExtensions
{
    public static IServiceCollection AddLabs(this IServiceCollection services, SiteOptions options)
    {
        services.AddSingleton(_ => new LabCatalogSource(LoadCatalog(options)));
        services.AddScoped<LabProgressStore>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    private static LabCatalog LoadCatalog(SiteOptions options) =>
        new(Path.Combine(options.ContentDirectory, "labs"), [], []);
}
