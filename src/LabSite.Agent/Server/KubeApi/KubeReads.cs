using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>get, list and watch: JSON objects and lists, or Tables when kubectl asks for them.</summary>
internal static class KubeReads
{
    /// <summary>The lab's objects of one kind (none for kinds only discovery lists); a refused query throws <see cref="ClusterException"/>.</summary>
    public static async Task<IReadOnlyList<KubeObject>> ReadAsync(ILabCluster cluster, ResourceKind kind, string? ns, string? labelSelector, string? name, CancellationToken ct)
    {
        if (!KubeApiKinds.IsStored(kind) && !KubeApiKinds.IsRecorded(kind))
        {
            return [];
        }
        var query = new ObjectQuery(kind.Plural, kind.Namespaced ? ns ?? "*" : null, string.IsNullOrWhiteSpace(labelSelector) ? null : labelSelector, name);
        return await cluster.GetAsync(query, ct);
    }

    public static async Task<KubeObject?> FindAsync(ILabCluster cluster, KubePath path, CancellationToken ct) =>
        (await ReadAsync(cluster, path.Kind!, path.Namespace, null, path.Name, ct)).FirstOrDefault();

    public static long ResourceVersionOf(KubeObject obj) =>
        long.TryParse((string?)obj.Json["metadata"]?["resourceVersion"], CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    public static async Task<IResult> ListAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        var kind = path.Kind!;
        var request = http.Request.Query;
        FieldSelector fields;
        List<KubeObject> objects;
        try
        {
            fields = FieldSelector.Parse(request["fieldSelector"]);
            objects = (await ReadAsync(cluster, kind, path.Namespace, request["labelSelector"], null, ct)).Where(fields.Matches).ToList();
        }
        catch (Exception e) when (e is FormatException or ClusterException)
        {
            return KubeStatus.BadRequest(e.Message.StartsWith("error: ", StringComparison.Ordinal) ? e.Message["error: ".Length..] : e.Message);
        }
        var resourceVersion = objects.Count == 0 ? 0 : objects.Max(ResourceVersionOf);
        if (request["watch"] is ["1" or "true"])
        {
            return new KubeWatch(cluster, kind, path.Namespace, request["labelSelector"], fields, Table(http)).Result();
        }
        var rv = resourceVersion.ToString(CultureInfo.InvariantCulture);
        if (KubeTables.Wanted(http.Request.Headers.Accept))
        {
            return KubeResults.Json(KubeTables.Table(kind, objects, request["includeObject"], rv, DateTimeOffset.UtcNow), contentType: TableMediaType);
        }
        return KubeResults.Json(new JsonObject
        {
            ["kind"] = kind.Kind + "List",
            ["apiVersion"] = kind.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
            ["items"] = new JsonArray([.. objects.Select(o => (JsonNode)o.Json)]),
        });
    }

    public static async Task<IResult> GetAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        if (await FindAsync(cluster, path, ct) is not { } obj)
        {
            return KubeStatus.NotFound(path.Kind!, path.Name!);
        }
        if (KubeTables.Wanted(http.Request.Headers.Accept))
        {
            var table = KubeTables.Table(path.Kind!, [obj], http.Request.Query["includeObject"], ResourceVersionOf(obj).ToString(CultureInfo.InvariantCulture), DateTimeOffset.UtcNow);
            return KubeResults.Json(table, contentType: TableMediaType);
        }
        return KubeResults.Json(obj.Json);
    }

    public const string TableMediaType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private static string? Table(HttpContext http) =>
        KubeTables.Wanted(http.Request.Headers.Accept) ? http.Request.Query["includeObject"].ToString() : null;
}
