using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl get</c>'s default table for each kind (columns as kubectl prints them: pods are
/// NAME READY STATUS RESTARTS AGE), with a NAMESPACE column first for all-namespace listings.
/// Columns are padded to the widest cell plus three spaces, as kubectl's tabwriter does.
/// </summary>
public static class ObjectTable
{
    public static string Render(string kind, IReadOnlyList<KubeObject> objects, DateTimeOffset now, bool allNamespaces = false)
    {
        var (headers, row) = Columns(kind, now);
        var rows = new List<string[]>();
        if (allNamespaces)
        {
            headers = ["NAMESPACE", .. headers];
        }
        foreach (var obj in objects)
        {
            var cells = row(obj);
            rows.Add(allNamespaces ? [obj.Namespace ?? "", .. cells] : cells);
        }
        return Format(headers, rows);
    }

    private static string Format(string[] headers, List<string[]> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        foreach (var line in rows.Prepend(headers))
        {
            for (var i = 0; i < line.Length; i++)
            {
                text.Append(i == line.Length - 1 ? line[i] : line[i].PadRight(widths[i] + 3));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static (string[] Headers, Func<KubeObject, string[]> Row) Columns(string kind, DateTimeOffset now)
    {
        string Age(KubeObject o) => KubeAge.Of(o, now);
        return kind switch
        {
            "Pod" => (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], o => [o.Name, PodReady(o), PodStatusText(o), Restarts(o), Age(o)]),
            "Deployment" => (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], o =>
                [o.Name, $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}", Int(o, "status", "updatedReplicas").ToString(), Int(o, "status", "availableReplicas").ToString(), Age(o)]),
            "ReplicaSet" => (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], o =>
                [o.Name, Int(o, "spec", "replicas").ToString(), Int(o, "status", "replicas").ToString(), Int(o, "status", "readyReplicas").ToString(), Age(o)]),
            "Service" => (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], o =>
                [o.Name, Text(o, "spec", "type") ?? "ClusterIP", Text(o, "spec", "clusterIP") ?? "<none>", "<none>", ServicePorts(o), Age(o)]),
            "Endpoints" => (["NAME", "ENDPOINTS", "AGE"], o => [o.Name, EndpointsText(o), Age(o)]),
            "Namespace" => (["NAME", "STATUS", "AGE"], o => [o.Name, Text(o, "status", "phase") ?? "Active", Age(o)]),
            "ConfigMap" => (["NAME", "DATA", "AGE"], o => [o.Name, ((o.Json["data"] as JsonObject)?.Count ?? 0).ToString(), Age(o)]),
            "NetworkPolicy" => (["NAME", "POD-SELECTOR", "AGE"], o => [o.Name, Selector(o.Json["spec"]?["podSelector"]?["matchLabels"] as JsonObject), Age(o)]),
            _ => (["NAME", "AGE"], o => [o.Name, Age(o)]),
        };
    }

    private static string? Text(KubeObject o, string a, string b) => (string?)o.Json[a]?[b];

    private static long Int(KubeObject o, string a, string b) => o.Json[a]?[b] is JsonValue v && v.TryGetValue<long>(out var l) ? l
        : o.Json[a]?[b] is JsonValue w && w.TryGetValue<int>(out var i) ? i : 0;

    private static IEnumerable<JsonObject> ContainerStatuses(KubeObject o) => (o.Json["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>();

    private static string PodReady(KubeObject o)
    {
        var total = (o.Json["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = ContainerStatuses(o).Count(c => (bool?)c["ready"] == true);
        return $"{ready}/{total}";
    }

    /// <summary>As kubectl: a waiting container's reason (ErrImagePull, ContainerCreating) wins over the phase.</summary>
    private static string PodStatusText(KubeObject o)
    {
        if (o.Json["metadata"]?["deletionTimestamp"] is not null)
        {
            return "Terminating";
        }
        var waiting = ContainerStatuses(o).Select(c => (string?)c["state"]?["waiting"]?["reason"]).FirstOrDefault(r => r is not null);
        var terminated = ContainerStatuses(o).Select(c => (string?)c["state"]?["terminated"]?["reason"]).FirstOrDefault(r => r is not null);
        var phase = (string?)o.Json["status"]?["phase"] ?? "Pending";
        return waiting ?? terminated ?? phase;
    }

    private static string Restarts(KubeObject o) => ContainerStatuses(o).Sum(c => c["restartCount"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0).ToString();

    private static string ServicePorts(KubeObject o)
    {
        var ports = (o.Json["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => $"{p["port"]}/{(string?)p["protocol"] ?? "TCP"}").ToList();
        return ports.Count == 0 ? "<none>" : string.Join(",", ports);
    }

    /// <summary>kubectl shows at most three addresses and then "+ N more...".</summary>
    private static string EndpointsText(KubeObject o)
    {
        var all = new List<string>();
        foreach (var subset in (o.Json["subsets"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var ports = (subset["ports"] as JsonArray ?? []).Select(p => p?["port"]?.ToString()).ToList();
            foreach (var address in (subset["addresses"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var ip = (string?)address["ip"];
                all.AddRange(ports.Count == 0 ? [ip ?? ""] : ports.Select(p => $"{ip}:{p}"));
            }
        }
        if (all.Count == 0)
        {
            return "<none>";
        }
        return all.Count <= 3 ? string.Join(",", all) : $"{string.Join(",", all.Take(3))} + {all.Count - 3} more...";
    }

    private static string Selector(JsonObject? labels) =>
        labels is null || labels.Count == 0 ? "<none>" : string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}"));
}
