using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

namespace LabSite.Clusters.Netns.Runtime;

/// <summary>Reads the runtime's inputs out of stored objects (already validated by the store).</summary>
internal static class StoreObjects
{
    public static PodSpec Pod(KubeObject pod)
    {
        var containers = (pod.Json["spec"]?["containers"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(c => new ContainerSpec(
                (string?)c["name"] ?? "",
                (string?)c["image"] ?? "",
                (c["ports"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(p => new ContainerPort(Int(p["containerPort"]) ?? 0, (string?)p["protocol"] ?? "TCP", (string?)p["name"]))
                    .ToList(),
                Strings(c["command"]),
                Strings(c["args"])))
            .ToList();
        return new PodSpec(pod.Namespace ?? "default", pod.Name, pod.Labels, containers)
        {
            NodeName = (string?)pod.Json["spec"]?["nodeName"] is { Length: > 0 } node ? node : null,
        };
    }

    /// <summary>The service, or null when it has no ClusterIP to balance (headless, or not allocated).</summary>
    public static ServiceSpec? Service(KubeObject service)
    {
        var spec = service.Json["spec"];
        if ((string?)spec?["clusterIP"] is not { } ip || !IPAddress.TryParse(ip, out var clusterIp))
        {
            return null;
        }

        var selector = spec?["selector"] is JsonObject s
            ? s.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "")
            : new Dictionary<string, string>();
        var ports = (spec?["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => new ServicePort(
                Int(p["port"]) ?? 0,
                (string?)p["protocol"] ?? "TCP",
                p["targetPort"] is JsonValue t ? (t.GetValueKind() == JsonValueKind.Number ? t.ToString() : (string?)t) : null,
                (string?)p["name"]))
            .ToList();
        var lbIps = (string?)spec?["type"] != "LoadBalancer" ? [] : (service.Json["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
            .Select(i => IPAddress.TryParse((string?)i?["ip"], out var a) ? a : null).OfType<IPAddress>().ToList();
        var labels = service.Json["metadata"]?["labels"] as JsonObject;
        return new ServiceSpec(service.Namespace ?? "default", service.Name, clusterIp, selector, ports, lbIps, Mesh.GlobalService.Parse(service.Json["metadata"]?["annotations"]))
        {
            IsL7LoadBalancer = labels is not null
                && (labels.ContainsKey(Ingress.CiliumIngressNames.IngressServiceLabel) || labels.ContainsKey(Ingress.CiliumIngressNames.GatewayServiceLabel)),
        };
    }

    private static int? Int(JsonNode? n) => n.AsInt();

    private static IReadOnlyList<string>? Strings(JsonNode? n) =>
        n is JsonArray a ? a.Select(x => (string?)x ?? "").ToList() : null;
}
