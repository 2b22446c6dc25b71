using System.Globalization;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Contract.Kubernetes.Tables;

/// <summary>Small readers over <c>kubectl get -o json</c> objects, tolerant of missing fields.</summary>
public static class KubeJson
{
    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is JsonObject obj ? obj[key] : null;
        }
        return node;
    }

    public static string Str(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : At(node, path) is JsonValue n ? n.ToJsonString() : "";

    /// <summary>An integer field whatever CLR type holds it; 0 when missing. Strings that hold a number count too.</summary>
    public static long Int(JsonNode? node, params string[] path) =>
        At(node, path) is { } value
            ? value.AsLong() ?? (value is JsonValue v && v.TryGetValue<string>(out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0)
            : 0;

    public static IEnumerable<JsonNode> Array(JsonNode? node, params string[] path) =>
        At(node, path) is JsonArray a ? a.OfType<JsonNode>() : [];

    public static DateTimeOffset? Time(JsonNode? node, params string[] path) =>
        DateTimeOffset.TryParse(Str(node, path), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary><c>a=1,b=2</c> sorted by key, as kubectl prints selectors and labels; <c>&lt;none&gt;</c> when empty.</summary>
    public static string Labels(JsonNode? map)
    {
        if (map is not JsonObject obj || obj.Count == 0)
        {
            return "<none>";
        }
        return string.Join(',', obj.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={(string?)kv.Value}"));
    }
}
