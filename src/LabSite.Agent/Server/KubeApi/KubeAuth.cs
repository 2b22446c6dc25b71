using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// Bearer tokens per lab: the path's lab with its own token passes; another lab's valid token gets a 404 (that lab
/// does not exist for it); anything else a 401. The lab found is left in <see cref="HttpContext.Items"/>.
/// </summary>
internal static class KubeAuth
{
    private const string ClusterItem = "LabSite.KubeApi.Cluster";

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var name = http.GetRouteValue("cluster") as string ?? "";
        var router = http.RequestServices.GetRequiredService<BackendRouter>();
        var tokens = http.RequestServices.GetRequiredService<KubeApiTokens>();
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : "";
        if (token.Length == 0)
        {
            return KubeStatus.Unauthorized();
        }
        if (await router.FindAsync(name, http.RequestAborted) is { } known && tokens.WasVerified(name, token, known))
        {
            http.Items[ClusterItem] = known;
            return await next(context);
        }
        var labs = await router.ListAsync(http.RequestAborted);
        if (labs.FirstOrDefault(l => l.Name == name) is { } lab && tokens.Matches(lab, token))
        {
            if (await router.FindAsync(name, http.RequestAborted) is not { } cluster)
            {
                return KubeStatus.NoSuchPath();
            }
            tokens.Verified(name, token, cluster);
            http.Items[ClusterItem] = cluster;
            return await next(context);
        }
        return labs.Any(l => tokens.Matches(l, token)) ? KubeStatus.NoSuchPath() : KubeStatus.Unauthorized();
    }

    public static ILabCluster Cluster(HttpContext http) =>
        http.Items[ClusterItem] as ILabCluster ?? throw new InvalidOperationException("the Kubernetes API route ran without its auth filter");
}
