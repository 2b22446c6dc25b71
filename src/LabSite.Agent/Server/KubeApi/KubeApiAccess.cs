using LabSite.Agent.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>The agent API's answer to "how do I reach lab X's Kubernetes API": the URL on the loopback listener and the token.</summary>
internal static class KubeApiAccess
{
    public static async Task<IResult> GetAsync([FromRoute(Name = "cluster")] string name, BackendRouter agent, KubeApiTokens tokens, IServer server, IServiceProvider services, CancellationToken ct)
    {
        if (await agent.SummaryAsync(name, ct) is not { } lab)
        {
            return AgentApi.Error(404, $"cluster \"{name}\" not found");
        }
        if (Origin(server) is not { } origin || services.GetService<KubeApiCertificate>() is not { } certificate)
        {
            return AgentApi.Error(503, "this agent serves no Kubernetes API (AgentOptions:KubeApiPort is not set)");
        }
        return AgentApi.Json(new KubernetesAccess(KubeApiEndpoints.ServerUrl(origin, name), tokens.TokenFor(lab), certificate.AuthorityData));
    }

    /// <summary>The loopback TCP address Kestrel bound (the port is known only once it listens, when it was 0).</summary>
    public static string? Origin(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("https://127.0.0.1:", StringComparison.Ordinal));
}
