using System.Globalization;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Store.Controllers;

/// <summary>
/// A Deployment's <c>Available</c> and <c>Progressing</c> conditions as kube-controller-manager writes them, so
/// <c>kubectl wait --for=condition=Available</c> ends and <c>describe</c> shows them. A condition's transition time
/// moves only when its status changes, its update time when its reason or message does, so a steady Deployment is not
/// rewritten on every reconcile.
/// </summary>
internal static class DeploymentConditions
{
    public static JsonArray Build(JsonObject deployment, string replicaSetName, int replicas, int updated, int available, string now)
    {
        var previous = deployment["status"]?["conditions"] as JsonArray;
        var isAvailable = available >= replicas - MaxUnavailable(deployment, replicas);
        var complete = updated == replicas && available >= replicas;
        return
        [
            Condition(previous, "Available", isAvailable,
                isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now),
            Condition(previous, "Progressing", true,
                complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                complete ? $"ReplicaSet \"{replicaSetName}\" has successfully progressed." : $"ReplicaSet \"{replicaSetName}\" is progressing.", now),
        ];
    }

    /// <summary>
    /// How many pods may be unavailable: 0 for <c>Recreate</c>, else <c>rollingUpdate.maxUnavailable</c> (an integer or a
    /// percentage of the replicas rounded down; default 25 %), at most the replicas; 1 when it and maxSurge would both be 0,
    /// as kube's deployment util resolves them.
    /// </summary>
    public static int MaxUnavailable(JsonObject deployment, int replicas)
    {
        var strategy = deployment["spec"]?["strategy"];
        if ((string?)strategy?["type"] is "Recreate" || replicas == 0)
        {
            return 0;
        }
        var rolling = strategy?["rollingUpdate"];
        var unavailable = Resolve(rolling?["maxUnavailable"], replicas, roundUp: false, fallback: "25%");
        var surge = Resolve(rolling?["maxSurge"], replicas, roundUp: true, fallback: "25%");
        if (unavailable == 0 && surge == 0)
        {
            unavailable = 1;
        }
        return Math.Min(unavailable, replicas);
    }

    // Strategy is not validated field by field (the store accepts it as written), so anything unreadable counts as 0.
    private static int Resolve(JsonNode? value, int replicas, bool roundUp, string fallback)
    {
        var text = value switch
        {
            null => fallback,
            JsonValue v when v.TryGetValue<int>(out var n) => n.ToString(CultureInfo.InvariantCulture),
            JsonValue v when v.TryGetValue<string>(out var t) => t,
            _ => "0",
        };
        if (text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            var exact = replicas * percent / 100.0;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
    }

    private static JsonObject Condition(JsonArray? previous, string type, bool status, string reason, string message, string now)
    {
        var old = previous?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var statusText = status ? "True" : "False";
        var sameStatus = (string?)old?["status"] == statusText;
        var sameText = sameStatus && (string?)old?["reason"] == reason && (string?)old?["message"] == message;
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = statusText,
            ["lastUpdateTime"] = sameText ? old!["lastUpdateTime"]?.DeepClone() ?? now : now,
            ["lastTransitionTime"] = sameStatus ? old!["lastTransitionTime"]?.DeepClone() ?? now : now,
            ["reason"] = reason,
            ["message"] = message,
        };
    }
}
