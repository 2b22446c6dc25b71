using LabSite.Clusters.Contract;
using LabSite.Clusters.Kind;
using LabSite.Clusters.Kind.Docker;
using LabSite.Clusters.Kind.Tools;
using LabSite.Clusters.Netns;

namespace LabSite.Cli;

/// <summary>
/// The cluster backends a real agent hosts, registered as <c>IClusterBackend</c> singletons; the first one is
/// the default for <c>cluster up</c>: netns (our eBPF datapath), configured by the <c>NetnsOptions</c> section; then
/// kind (real Cilium, section <c>KindOptions</c>) when the operator turns it on with the environment variable
/// <c>KindOptions__Enabled=true</c> (read here because the set of backends is fixed before configuration is built;
/// off by default so an agent on a host without a Docker engine starts as before).
/// </summary>
public static class AgentBackends
{
    public static void Add(IServiceCollection services) => Add(services, KindEnabled);

    /// <summary>The backends, with kind when <paramref name="kind"/> (<c>lab test --backend kind</c> asks for it directly).</summary>
    public static void Add(IServiceCollection services, bool kind)
    {
        services.AddOptions<NetnsOptions>().BindConfiguration(nameof(NetnsOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new NetnsBackend(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<NetnsOptions>>().Value));
        services.AddSingleton<IClusterBackend>(sp => sp.GetRequiredService<NetnsBackend>());
        if (kind)
        {
            services.AddOptions<KindOptions>().BindConfiguration(nameof(KindOptions)).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton(sp =>
            {
                var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<KindOptions>>().Value;
                return new KindBackend(o, new NodeContainers(o.DockerEndpoint), new ToolRunner());
            });
            services.AddSingleton<IClusterBackend>(sp => sp.GetRequiredService<KindBackend>());
        }
        services.AddHostedService<BackendStartup>();
    }

    private static bool KindEnabled => bool.TryParse(Environment.GetEnvironmentVariable("KindOptions__Enabled"), out var on) && on;
}
