using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>A Deployment's <c>/scale</c> subresource (autoscaling/v1 Scale): what <c>kubectl scale</c> reads and patches.</summary>
internal static class KubeScale
{
    public static async Task<IResult> HandleAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        if (path.Kind != ResourceKinds.Deployment)
        {
            return KubeStatus.NoSuchPath();
        }
        if (await KubeReads.FindAsync(cluster, path, ct) is not { } deployment)
        {
            return KubeStatus.NotFound(path.Kind, path.Name!);
        }
        var scale = Scale(deployment);
        if (HttpMethods.IsGet(http.Request.Method))
        {
            return KubeResults.Json(scale);
        }
        JsonObject? wanted;
        if (HttpMethods.IsPatch(http.Request.Method))
        {
            wanted = await KubeWrites.PatchedAsync(http, strategicAllowed: true, scale);
        }
        else
        {
            wanted = await KubeWrites.ReadJsonAsync(http) as JsonObject;
        }
        if (wanted is null)
        {
            return KubeWrites.BodyError(http);
        }
        if (wanted["spec"]?["replicas"] is not JsonValue value || !value.TryGetValue<int>(out var replicas) || replicas < 0)
        {
            var details = KubeStatus.Details(path.Kind, path.Name!);
            details["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = "Invalid value: must be a non-negative integer", ["field"] = "spec.replicas" });
            return KubeStatus.Failure(422, "Invalid", $"Scale.autoscaling \"{path.Name}\" is invalid: spec.replicas: Invalid value: {wanted["spec"]?["replicas"]?.ToJsonString() ?? "null"}: must be a non-negative integer", details);
        }
        var updated = (JsonObject)deployment.Json.DeepClone();
        updated["spec"]!["replicas"] = replicas;
        var (stored, error) = await KubeWrites.StoreAsync(http, cluster, path.Kind, path.Namespace, path.Name!, updated, ApplyMode.Replace, ct);
        return error ?? KubeResults.Json(Scale(stored!));
    }

    private static JsonObject Scale(KubeObject deployment) => new()
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = deployment.Name,
            ["namespace"] = deployment.Namespace,
            ["uid"] = deployment.Json["metadata"]?["uid"]?.DeepClone(),
            ["resourceVersion"] = deployment.Json["metadata"]?["resourceVersion"]?.DeepClone(),
            ["creationTimestamp"] = deployment.Json["metadata"]?["creationTimestamp"]?.DeepClone(),
        },
        ["spec"] = new JsonObject { ["replicas"] = KubeJson.Int(deployment.Json, "spec", "replicas") },
        ["status"] = new JsonObject
        {
            ["replicas"] = KubeJson.Int(deployment.Json, "status", "replicas"),
            ["selector"] = KubeJson.Labels(KubeJson.At(deployment.Json, "spec", "selector", "matchLabels")),
        },
    };
}
