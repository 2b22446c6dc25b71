using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// kube-scheduler's part for a lab: binds each new pod (<c>spec.nodeName</c>) to the node with the fewest pods among
/// those its <c>nodeSelector</c> matches, first node on ties, so a manifest's pods go round robin. A pod no node
/// matches stays Pending with PodScheduled=False (Unschedulable) and kube's message; the store records the
/// FailedScheduling event (<c>Events/ControllerEvents</c>). A store without Node objects schedules nothing.
/// </summary>
internal static class PodScheduler
{
    public const string Unschedulable = "Unschedulable";

    public static void Reconcile(StoreTransaction tx)
    {
        var nodes = tx.OfKind(ResourceKinds.Node).Select(kv => kv.Value).ToList();
        if (nodes.Count == 0)
        {
            return;
        }
        var pods = tx.OfKind(ResourceKinds.Pod).ToList();
        var load = nodes.ToDictionary(NameOf, _ => 0, StringComparer.Ordinal);
        foreach (var (_, pod) in pods)
        {
            if (NodeNameOf(pod) is { } bound && load.ContainsKey(bound))
            {
                load[bound]++;
            }
        }
        foreach (var (key, pod) in pods.Where(kv => NodeNameOf(kv.Value) is null && !IsUnschedulable(kv.Value)))
        {
            var selector = pod["spec"]?["nodeSelector"] as JsonObject ?? [];
            var fits = nodes.Where(n => Matches(selector, n["metadata"]?["labels"] as JsonObject ?? [])).Select(NameOf).ToList();
            var updated = (JsonObject)pod.DeepClone();
            if (fits.Count == 0)
            {
                updated["status"] = PendingStatus(pod, tx.Now, Message(nodes.Count));
                tx.Put(key, updated);
                continue;
            }
            var chosen = fits.OrderBy(n => load[n]).First();
            load[chosen]++;
            updated["spec"]!["nodeName"] = chosen;
            tx.Put(key, updated);
        }
    }

    /// <summary>kube-scheduler's message when the selector rules every node out.</summary>
    public static string Message(int nodes) =>
        $"0/{nodes} nodes are available: {nodes} node(s) didn't match Pod's node affinity/selector. preemption: 0/{nodes} nodes are available: {nodes} Preemption is not helpful for scheduling.";

    public static bool IsUnschedulable(JsonObject pod) => UnschedulableMessage(pod) is not null;

    /// <summary>The PodScheduled=False condition's message, or null when the pod is not marked unschedulable.</summary>
    public static string? UnschedulableMessage(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? [])
            .Where(c => (string?)c?["type"] == "PodScheduled" && (string?)c?["status"] == "False" && (string?)c?["reason"] == Unschedulable)
            .Select(c => (string?)c?["message"] ?? "")
            .FirstOrDefault();

    private static JsonObject PendingStatus(JsonObject pod, string now, string message)
    {
        var status = pod["status"]?.DeepClone() as JsonObject ?? [];
        status["phase"] = "Pending";
        status["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "False",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = now,
            ["reason"] = Unschedulable,
            ["message"] = message,
        });
        return status;
    }

    private static bool Matches(JsonObject selector, JsonObject labels) =>
        selector.All(kv => labels[kv.Key] is JsonValue v && v.TryGetValue<string>(out var s) && s == (string?)kv.Value);

    private static string NameOf(JsonObject node) => (string?)node["metadata"]?["name"] ?? "";

    public static string? NodeNameOf(JsonObject pod) => (string?)pod["spec"]?["nodeName"] is { Length: > 0 } n ? n : null;
}
