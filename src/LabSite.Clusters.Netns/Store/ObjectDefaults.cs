using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// Fills the defaults the API server adds, so <c>-o json</c> looks like a real cluster's and later reads
/// need no null checks (every service port has a protocol and a targetPort, every pod a restartPolicy).
/// Deterministic: the same input gets the same defaults, which apply relies on to say <c>unchanged</c>.
/// </summary>
internal static class ObjectDefaults
{
    public static void Apply(ResourceKind kind, JsonObject obj)
    {
        if (kind == ResourceKinds.Pod)
        {
            PodSpec(obj["spec"] as JsonObject);
        }
        else if (kind == ResourceKinds.Deployment && obj["spec"] is JsonObject deployment)
        {
            deployment["replicas"] ??= 1;
            deployment["revisionHistoryLimit"] ??= 10;
            deployment["progressDeadlineSeconds"] ??= 600;
            deployment["strategy"] ??= new JsonObject
            {
                ["type"] = "RollingUpdate",
                ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" },
            };
            PodSpec(deployment["template"]?["spec"] as JsonObject);
        }
        else if (kind == ResourceKinds.Secret)
        {
            // As the API server: stringData is write-only, merged into data as base64 (and wins over data).
            obj["type"] ??= "Opaque";
            if (obj["stringData"] is JsonObject plain)
            {
                var data = obj["data"] as JsonObject ?? [];
                foreach (var (key, value) in plain)
                {
                    data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value?.ToString() ?? ""));
                }
                obj["data"] = data;
                obj.Remove("stringData");
            }
        }
        else if (kind == ResourceKinds.Service && obj["spec"] is JsonObject service)
        {
            service["type"] ??= "ClusterIP";
            service["sessionAffinity"] ??= "None";
            service["internalTrafficPolicy"] ??= "Cluster";
            service["ipFamilyPolicy"] ??= "SingleStack";
            service["ipFamilies"] ??= new JsonArray("IPv4");
            foreach (var port in (service["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                port["targetPort"] ??= port["port"]?.DeepClone();
            }
        }
    }

    private static void PodSpec(JsonObject? spec)
    {
        if (spec is null)
        {
            return;
        }
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        spec["serviceAccountName"] ??= (string?)spec["serviceAccount"] ?? "default";
        spec["securityContext"] ??= new JsonObject();
        foreach (var container in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var image = (string?)container["image"] ?? "";
            container["imagePullPolicy"] ??= IsLatest(image) ? "Always" : "IfNotPresent";
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["terminationMessagePolicy"] ??= "File";
            container["resources"] ??= new JsonObject();
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
            }
        }
    }

    // Kubernetes pulls Always for ":latest" or an untagged image, IfNotPresent for a tag or digest.
    private static bool IsLatest(string image)
    {
        if (image.Contains('@'))
        {
            return false;
        }
        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        return colon < 0 || image[(colon + 1)..] == "latest";
    }
}
