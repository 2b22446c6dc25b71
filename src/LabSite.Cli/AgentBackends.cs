using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.Cli;

/// <summary>
/// The cluster backends a real agent hosts, registered as <c>IClusterBackend</c> singletons; the first one is
/// the default for <c>cluster up</c>. Today: netns (our eBPF datapath), configured by the <c>NetnsOptions</c> section.
/// </summary>
public static class AgentBackends
{
    public static void Add(IServiceCollection services)
    {
        services.AddOptions<NetnsOptions>().BindConfiguration(nameof(NetnsOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new NetnsBackend(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<NetnsOptions>>().Value));
        services.AddSingleton<IClusterBackend>(sp => sp.GetRequiredService<NetnsBackend>());
        services.AddHostedService<BackendStartup>();
    }
}
