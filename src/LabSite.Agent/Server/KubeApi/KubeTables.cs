using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// Server-side Tables (meta.k8s.io/v1 Table), the form kubectl asks <c>get</c> for: <see cref="ResourceTables"/>'
/// columns, <c>-o wide</c>'s as priority 1 (kubectl shows them only with <c>-o wide</c>). kubectl adds NAMESPACE and
/// LABELS itself from each row's object, which is the object's metadata unless the request says otherwise.
/// </summary>
internal static class KubeTables
{
    public static bool Wanted(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Table(ResourceKind kind, IEnumerable<KubeObject> objects, string? includeObject, string resourceVersion, DateTimeOffset now)
    {
        var table = ResourceTables.For(kind);
        var columns = new JsonArray();
        foreach (var (header, i) in table.Headers.Select((h, i) => (h, i)))
        {
            columns.Add(Column(header, i == 0 && header == "NAME" ? "name" : "", 0));
        }
        foreach (var header in table.WideHeaders)
        {
            columns.Add(Column(header, "", 1));
        }
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray([.. table.Row(obj, now).Concat(table.Wide(obj, now)).Select(c => (JsonNode?)c)]);
            var row = new JsonObject { ["cells"] = cells };
            if (RowObject(obj, includeObject) is { } rowObject)
            {
                row["object"] = rowObject;
            }
            rows.Add(row);
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Column(string name, string format, int priority) => new()
    {
        ["name"] = name,
        ["type"] = "string",
        ["format"] = format,
        ["description"] = "",
        ["priority"] = priority,
    };

    private static JsonObject? RowObject(KubeObject obj, string? includeObject) => includeObject switch
    {
        "None" => null,
        "Object" => (JsonObject)obj.Json.DeepClone(),
        _ => new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = obj.Json["metadata"]?.DeepClone(),
        },
    };
}
