using LabSite.Agent.Server.Hubble;
using LabSite.Agent.Server.KubeApi;
using Microsoft.Extensions.Options;

namespace LabSite.Agent.Server;

/// <summary>Registers the lab agent. Backends are registered separately as <c>IClusterBackend</c> singletons.</summary>
public static class AgentExtensions
{
    public static IServiceCollection AddLabAgent(this IServiceCollection services)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(nameof(AgentOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BackendRouter>();
        services.AddSingleton<HubbleServer>();
        services.AddHostedService(sp => sp.GetRequiredService<HubbleServer>());
        services.AddSingleton<KubeApiTokens>();
        return services;
    }

    public static WebApplicationBuilder AddLabAgent(this WebApplicationBuilder builder)
    {
        builder.Services.AddLabAgent();
        return builder;
    }

    internal static AgentOptions Agent(this IServiceProvider services) => services.GetRequiredService<IOptions<AgentOptions>>().Value;
}
