using LabSite.Agent.Server;
using LabSite.Web.Admission;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Terminal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Clusters;

/// <summary>Registers the lifecycle of learners' clusters: activity, expiry, restore, the warm pool and the player's notice.</summary>
public static class ClustersExtensions
{
    public static IServiceCollection AddLabClusters(this IServiceCollection services)
    {
        services.AddOptions<LabClusterOptions>().BindConfiguration(nameof(LabClusterOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClusterActivity>();
        services.AddSingleton<ClusterNotices>();
        services.AddSingleton<ClusterRestorer>();
        services.AddSingleton(sp => new ClusterStatusReader(
            sp.GetRequiredService<ClusterNotices>(), sp.GetRequiredService<ILabClusterLocator>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<BackendRouter>() is not null,
            sp.GetService<ClusterAdmission>()));
        // The agent is optional (serve --agent off): then nothing expires, since nothing runs.
        services.AddSingleton(sp => new ClusterExpiry(
            sp.GetService<BackendRouter>(), sp.GetRequiredService<ClusterActivity>(), sp.GetRequiredService<ClusterNotices>(),
            sp.GetRequiredService<TerminalSessions>(), sp.GetRequiredService<IOptions<LabClusterOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ClusterExpiry>>(), sp.GetService<ClusterAdmission>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterExpiry>());
        services.AddSingleton(sp => new LabClusterRequests(sp.GetService<Labs.LabCatalogSource>(), sp.GetRequiredService<IOptions<LabClusterOptions>>().Value.Backend));
        services.AddOptions<WarmPoolOptions>().BindConfiguration(nameof(WarmPoolOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new WarmPool(
            // the deployment's backend: an agent that does not host it fails the site's start naming what it hosts
            sp.GetService<BackendRouter>()?.Backend(sp.GetRequiredService<LabClusterRequests>().Backend), sp.GetRequiredService<IOptions<WarmPoolOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WarmPool>>(), sp.GetService<ClusterAdmission>(),
            sp.GetRequiredService<LabClusterRequests>(), sp.GetRequiredService<ClusterActivity>()));
        services.AddSingleton<WarmPoolFiller>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmPoolFiller>());
        return services;
    }
}
