using System.Text.Json.Nodes;

namespace LabSite.Clusters.Contract;

/// <summary>
/// A Kubernetes-style object as <c>kubectl get -o json</c> shows it. Both backends produce this shape,
/// so the grader and the lab shell read objects the same way whatever runs the cluster.
/// </summary>
public sealed class KubeObject(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public string Kind => (string?)Json["kind"] ?? "";

    public string Name => (string?)Json["metadata"]?["name"] ?? "";

    public string? Namespace => (string?)Json["metadata"]?["namespace"];

    public IReadOnlyDictionary<string, string> Labels =>
        Json["metadata"]?["labels"] is JsonObject labels
            ? labels.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "")
            : new Dictionary<string, string>();

    public override string ToString() => $"{Kind}/{Name}";
}
