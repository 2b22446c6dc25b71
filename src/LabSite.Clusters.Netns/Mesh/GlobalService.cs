using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Mesh;

/// <summary>Which backends a global service prefers (<c>service.cilium.io/affinity</c>).</summary>
public enum MeshAffinity { None, Local, Remote }

/// <summary>
/// A Service's Cluster Mesh annotations as Cilium reads them: <c>service.cilium.io/global: "true"</c> merges the
/// backends of same-named global Services of every cluster; <c>service.cilium.io/shared: "false"</c> keeps this
/// cluster's backends out of the others (it still uses theirs); <c>service.cilium.io/affinity</c> prefers local or
/// remote backends while any is ready. Cilium ignores values it does not know; the lab refuses them with the
/// annotation's path, so a typo is not a silent non-global service.
/// </summary>
public sealed record GlobalService(bool Shared, MeshAffinity Affinity)
{
    public const string GlobalKey = "service.cilium.io/global";
    public const string SharedKey = "service.cilium.io/shared";
    public const string AffinityKey = "service.cilium.io/affinity";

    /// <summary>The service's mesh settings, or null when it is not global. Annotations were validated by <see cref="Check"/>.</summary>
    public static GlobalService? Parse(JsonNode? annotations)
    {
        if (!IsTrue(Value(annotations, GlobalKey)))
        {
            return null;
        }
        var shared = Value(annotations, SharedKey) is not { } s || IsTrue(s);
        var affinity = Value(annotations, AffinityKey)?.ToLowerInvariant() switch
        {
            "local" => MeshAffinity.Local,
            "remote" => MeshAffinity.Remote,
            _ => MeshAffinity.None,
        };
        return new GlobalService(shared, affinity);
    }

    /// <summary>Adds an error per mesh annotation with a value Cilium does not know, at <c>metadata.annotations[KEY]</c>.</summary>
    public static void Check(JsonObject obj, List<FieldError> errors)
    {
        var annotations = obj["metadata"]?["annotations"];
        foreach (var key in new[] { GlobalKey, SharedKey })
        {
            if (Value(annotations, key) is { } v && !IsTrue(v) && !v.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new FieldError($"metadata.annotations[{key}]", $"Unsupported value: \"{Truncate(v)}\": supported values: \"true\", \"false\""));
            }
        }
        if (Value(annotations, AffinityKey) is { } a && a.ToLowerInvariant() is not ("local" or "remote" or "none"))
        {
            errors.Add(new FieldError($"metadata.annotations[{AffinityKey}]", $"Unsupported value: \"{Truncate(a)}\": supported values: \"local\", \"remote\", \"none\""));
        }
    }

    /// <summary>The backends a frontend gets from local and remote ones, by affinity (the preferred side while it has any).</summary>
    public IReadOnlyList<T> Merge<T>(IReadOnlyList<T> local, IReadOnlyList<T> remote) => Affinity switch
    {
        MeshAffinity.Local => local.Count > 0 ? local : remote,
        MeshAffinity.Remote => remote.Count > 0 ? remote : local,
        _ => [.. local, .. remote],
    };

    private static bool IsTrue(string? v) => v is not null && v.Equals("true", StringComparison.OrdinalIgnoreCase);

    private static string? Value(JsonNode? annotations, string key) =>
        annotations is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
