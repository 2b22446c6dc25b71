using System.Text.Json.Nodes;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>
/// A small builder for the OpenAPI v3 schemas of <see cref="KindSchemas"/>: each call makes one JSON schema node
/// with our own one-line description. Objects list their fields; maps and free-form parts say so, so the strict
/// field check (<see cref="UnknownFields"/>) and <c>kubectl explain</c> read the same tree.
/// </summary>
internal static class Schema
{
    public static JsonObject Str(string description) => Typed("string", description);

    public static JsonObject Int(string description) => Typed("integer", description, "int32");

    public static JsonObject Int64(string description) => Typed("integer", description, "int64");

    public static JsonObject Bool(string description) => Typed("boolean", description);

    /// <summary>A port number or name, as <c>targetPort</c>.</summary>
    public static JsonObject IntOrString(string description) => new()
    {
        ["description"] = description,
        ["x-kubernetes-int-or-string"] = true,
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
    };

    public static JsonObject Arr(string description, JsonObject items) => new()
    {
        ["description"] = description,
        ["type"] = "array",
        ["items"] = items,
    };

    /// <summary>A map of string keys to <paramref name="values"/> (labels, selectors, data).</summary>
    public static JsonObject Map(string description, JsonObject? values = null) => new()
    {
        ["description"] = description,
        ["type"] = "object",
        ["additionalProperties"] = values ?? new JsonObject { ["type"] = "string" },
    };

    /// <summary>An object whose fields this lab does not model; any field is kept.</summary>
    public static JsonObject Free(string description) => new()
    {
        ["description"] = description,
        ["type"] = "object",
        ["x-kubernetes-preserve-unknown-fields"] = true,
    };

    public static JsonObject Obj(string description, params (string Name, JsonObject Schema)[] fields) => Obj(description, [], fields);

    public static JsonObject Obj(string description, string[] required, params (string Name, JsonObject Schema)[] fields)
    {
        var properties = new JsonObject();
        foreach (var (name, schema) in fields)
        {
            properties[name] = schema;
        }
        var node = new JsonObject { ["description"] = description, ["type"] = "object", ["properties"] = properties };
        if (required.Length > 0)
        {
            node["required"] = new JsonArray(required.Select(r => (JsonNode?)r).ToArray());
        }
        return node;
    }

    /// <summary>
    /// A list whose items a strategic merge patch merges by <paramref name="key"/>, as kube-apiserver's schemas say:
    /// kubectl apply reads this to patch one container rather than replace the list.
    /// </summary>
    public static JsonObject MergedBy(this JsonObject list, string key)
    {
        list["x-kubernetes-patch-merge-key"] = key;
        list["x-kubernetes-patch-strategy"] = "merge";
        list["x-kubernetes-list-type"] = "map";
        list["x-kubernetes-list-map-keys"] = new JsonArray(key);
        return list;
    }

    /// <summary>A copy of <paramref name="schema"/> with another description (one shape, used under several fields).</summary>
    public static JsonObject As(this JsonObject schema, string description)
    {
        var copy = (JsonObject)schema.DeepClone();
        copy["description"] = description;
        return copy;
    }

    private static JsonObject Typed(string type, string description, string? format = null)
    {
        var node = new JsonObject { ["description"] = description, ["type"] = type };
        if (format is not null)
        {
            node["format"] = format;
        }
        return node;
    }
}
