namespace LabSite.Sandbox.Netns;

using System.Text.Json.Nodes;

/// <summary>
/// The <see cref="ILabCluster"/> face of a netns lab. Manifests (apply/create/delete) arrive through the
/// object store, which turns Pods, Deployments and Services into <see cref="RunPodsAsync"/> /
/// <see cref="ApplyServiceAsync"/> calls; until it is wired, <see cref="GetAsync"/> lists the runtime's
/// own pods and services.
/// </summary>
public sealed partial class NetnsCluster : ILabCluster
{
    public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) =>
        Task.FromResult(new ApplyResult([], [$"{manifests.Source}: applying manifests on the netns backend needs the object store (not wired in this build)"]));

    public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        bool InNamespace(string ns) => query.Namespace == "*" || ns == (query.Namespace ?? "default");
        IReadOnlyList<KubeObject> result = query.Kind.ToLowerInvariant() switch
        {
            "pods" or "pod" or "po" => Pods
                .Where(p => InNamespace(p.Spec.Namespace) && (query.Name is null || p.Spec.Name == query.Name))
                .Select(p => new KubeObject(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = p.Spec.Name,
                        ["namespace"] = p.Spec.Namespace,
                        ["labels"] = new JsonObject(p.Spec.Labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                    },
                    ["status"] = p.Status.ToJson(),
                }))
                .ToList(),
            "services" or "service" or "svc" => Services
                .Where(s => InNamespace(s.Namespace) && (query.Name is null || s.Name == query.Name))
                .Select(s => new KubeObject(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Service",
                    ["metadata"] = new JsonObject { ["name"] = s.Name, ["namespace"] = s.Namespace },
                    ["spec"] = new JsonObject { ["type"] = "ClusterIP", ["clusterIP"] = s.ClusterIp.ToString() },
                }))
                .ToList(),
            _ => throw new ClusterException($"error: the server doesn't have a resource type \"{query.Kind}\" (netns backend without the object store knows pods and services)"),
        };
        return Task.FromResult(result);
    }

    Task<string> ILabCluster.LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) =>
        LogsAsync(@namespace, pod, tailLines);
}
