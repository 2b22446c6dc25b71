using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// <c>--field-selector</c>: <c>field=value</c>, <c>field==value</c> or <c>field!=value</c> terms, all of which must hold,
/// over the fields kubectl users select on.
/// </summary>
internal sealed class FieldSelector
{
    private static readonly Dictionary<string, string[]> s_fields = new()
    {
        ["metadata.name"] = ["metadata", "name"],
        ["metadata.namespace"] = ["metadata", "namespace"],
        ["status.phase"] = ["status", "phase"],
        ["spec.nodeName"] = ["spec", "nodeName"],
        // Events: what kubectl describe searches them by, and what users filter them on.
        ["involvedObject.kind"] = ["involvedObject", "kind"],
        ["involvedObject.namespace"] = ["involvedObject", "namespace"],
        ["involvedObject.name"] = ["involvedObject", "name"],
        ["involvedObject.uid"] = ["involvedObject", "uid"],
        ["involvedObject.apiVersion"] = ["involvedObject", "apiVersion"],
        ["involvedObject.resourceVersion"] = ["involvedObject", "resourceVersion"],
        ["involvedObject.fieldPath"] = ["involvedObject", "fieldPath"],
        ["reason"] = ["reason"],
        ["type"] = ["type"],
        ["source"] = ["source", "component"],
    };

    private readonly List<(string[] Path, string Value, bool Equal)> _terms = [];

    public static FieldSelector Everything { get; } = new();

    /// <summary>The selector; throws <see cref="FormatException"/> with kube-apiserver's message for a bad one.</summary>
    public static FieldSelector Parse(string? text)
    {
        var selector = new FieldSelector();
        foreach (var term in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (op, equal) = term.Contains("!=", StringComparison.Ordinal) ? ("!=", false) : term.Contains("==", StringComparison.Ordinal) ? ("==", true) : ("=", true);
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new FormatException($"invalid selector: '{text}'; can't understand '{term}'");
            }
            var field = term[..at].Trim();
            if (!s_fields.TryGetValue(field, out var path))
            {
                throw new FormatException($"field label not supported: {field}");
            }
            selector._terms.Add((path, term[(at + op.Length)..].Trim(), equal));
        }
        return selector;
    }

    public bool Matches(KubeObject obj) => _terms.All(t => (KubeJson.Str(obj.Json, t.Path) == t.Value) == t.Equal);
}
