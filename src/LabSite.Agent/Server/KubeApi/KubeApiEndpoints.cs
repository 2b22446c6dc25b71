using LabSite.Agent.Server.KubeApi.Exec;
using LabSite.Agent.Server.KubeApi.PortForward;
using LabSite.Agent.Server.KubeApi.OpenApi;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// A Kubernetes API per lab under <c>/clusters/{lab}</c> (<see cref="Prefix"/>): <c>/version</c>, discovery, and the
/// objects of <see cref="KubeApiKinds"/> (pod <c>/log</c> and <c>/exec</c> included), each request authorised by the lab's bearer token (<see cref="KubeAuth"/>).
/// </summary>
public static class KubeApiEndpoints
{
    public const string Prefix = "/clusters/{cluster}";

    /// <summary>The base URL a kubeconfig names for lab <paramref name="cluster"/> on an agent at <paramref name="origin"/>.</summary>
    public static string ServerUrl(string origin, string cluster) => $"{origin.TrimEnd('/')}/clusters/{Uri.EscapeDataString(cluster)}";

    public static IEndpointRouteBuilder MapKubeApi(this IEndpointRouteBuilder app)
    {
        var lab = app.MapGroup(Prefix).AddEndpointFilter(KubeAuth.Filter);
        lab.MapGet("/version", () => KubeResults.Json(KubeDiscovery.Version()));
        lab.MapGet("/api", (HttpContext http) => Discovery(http, core: true));
        lab.MapGet("/apis", (HttpContext http) => Discovery(http, core: false));
        lab.MapGet("/openapi/v3", (HttpContext http) => KubeResults.Json(OpenApiDocuments.Index(ServerPath(http))));
        lab.MapGet("/openapi/v3/{**groupVersion}", (string groupVersion) => OpenApiDocuments.Find(groupVersion) is { } document
            ? Results.Text(document, "application/json")
            : KubeStatus.NoSuchPath());
        lab.MapMethods("/{**path}", ["GET", "POST", "PUT", "PATCH", "DELETE"], Resource);
        return app;
    }

    /// <summary>The request's <c>/clusters/{lab}</c> (the path OpenAPI's index names documents under); none in-cluster, where the lab is the whole server.</summary>
    private static string ServerPath(HttpContext http) =>
        InClusterKubeApi.IsInCluster(http) ? "" : $"/clusters/{Uri.EscapeDataString((string)http.GetRouteValue("cluster")!)}";

    private static IResult Discovery(HttpContext http, bool core)
    {
        if (KubeDiscovery.WantsAggregated(http.Request.Headers.Accept))
        {
            return KubeResults.Json(KubeDiscovery.Aggregated(core), contentType: KubeDiscovery.AggregatedMediaType);
        }
        return KubeResults.Json(core ? KubeDiscovery.ApiVersions() : KubeDiscovery.GroupList());
    }

    private static async Task<IResult> Resource(HttpContext http, string path, CancellationToken ct)
    {
        var cluster = KubeAuth.Cluster(http);
        if (KubePath.Parse(path) is not { } target)
        {
            return KubeStatus.NoSuchPath();
        }
        var method = http.Request.Method;
        if (target.Kind is null)
        {
            return HttpMethods.IsGet(method) && KubeDiscovery.ResourceList(target.Group, target.Version) is { } list
                ? KubeResults.Json(list)
                : KubeStatus.NoSuchPath();
        }
        try
        {
            return (method, target.Name, target.Subresource) switch
            {
                ("GET", null, _) => await KubeReads.ListAsync(http, cluster, target, ct),
                ("POST", null, _) => await KubeWrites.CreateAsync(http, cluster, target, ct),
                (_, null, _) => KubeStatus.MethodNotAllowed($"{method} is not supported on a list of {target.Kind.Plural}"),
                (_, _, "scale") => await KubeScale.HandleAsync(http, cluster, target, ct),
                (_, _, "log") => await KubeLogs.HandleAsync(http, cluster, target, ct),
                (_, _, "exec") => await KubeExec.HandleAsync(http, cluster, target, ct),
                (_, _, "portforward") => await KubePortForward.HandleAsync(http, cluster, target, ct),
                (_, _, not null) => KubeStatus.NoSuchPath(),
                ("GET", _, _) => await KubeReads.GetAsync(http, cluster, target, ct),
                ("PUT", _, _) => await KubeWrites.ReplaceAsync(http, cluster, target, ct),
                ("PATCH", _, _) => await KubeWrites.PatchAsync(http, cluster, target, ct),
                ("DELETE", _, _) => await KubeWrites.DeleteAsync(http, cluster, target, ct),
                _ => KubeStatus.MethodNotAllowed($"{method} is not supported on {target.Kind.Plural}"),
            };
        }
        catch (ClusterException e)
        {
            return KubeStatus.Failure(503, "ServiceUnavailable", e.Message);
        }
    }
}
