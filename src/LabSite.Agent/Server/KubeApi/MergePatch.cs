using System.Text.Json.Nodes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// The two patch types kubectl sends: JSON merge patch (RFC 7386; CRDs, <c>label</c>, <c>annotate</c>, <c>scale</c>) and
/// strategic merge patch (built-in kinds; <c>apply</c>'s three-way patches): lists of named things merge by their key,
/// with the <c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/</c> and <c>$deleteFromPrimitiveList/</c> directives.
/// Both throw <see cref="FormatException"/> for a patch that is not a JSON object, naming where.
/// </summary>
internal static class MergePatch
{
    // The patchMergeKey of Kubernetes' list fields that merge rather than replace (k8s.io/api types' struct tags).
    private static readonly Dictionary<string, string> s_mergeKeys = new()
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
    };

    public static JsonObject ApplyJsonMerge(JsonObject target, JsonNode? patch) =>
        patch is JsonObject p ? (JsonObject)Merge(target.DeepClone(), p, strategic: false, "")! : throw new FormatException("the patch must be a JSON object");

    public static JsonObject ApplyStrategic(JsonObject target, JsonNode? patch) =>
        patch is JsonObject p ? (JsonObject)Merge(target.DeepClone(), p, strategic: true, "")! : throw new FormatException("the patch must be a JSON object");

    private static JsonNode? Merge(JsonNode? target, JsonObject patch, bool strategic, string path)
    {
        if (strategic && (string?)(patch["$patch"] as JsonValue) is { } directive)
        {
            switch (directive)
            {
                case "replace":
                    return WithoutDirectives(patch);
                case "delete":
                    return null;
                case "merge":
                    break;
                default:
                    throw new FormatException($"{At(path)}: unknown $patch directive \"{directive}\"");
            }
        }
        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patch)
        {
            if (strategic && key.StartsWith('$'))
            {
                ApplyDirective(result, key, value, path);
                continue;
            }
            if (value is null)
            {
                result.Remove(key);
                continue;
            }
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            JsonNode? merged = value switch
            {
                JsonObject child => Merge(result[key]?.DeepClone(), child, strategic, childPath),
                JsonArray list when strategic => MergeList(result[key] as JsonArray, list, key, childPath),
                _ => value.DeepClone(),
            };
            if (merged is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = merged;
            }
        }
        if (strategic && patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => (string?)k).ToHashSet();
            foreach (var key in result.Select(kv => kv.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(key);
            }
        }
        return result;
    }

    private static void ApplyDirective(JsonObject result, string key, JsonNode? value, string path)
    {
        const string deleteFrom = "$deleteFromPrimitiveList/";
        if (key.StartsWith(deleteFrom, StringComparison.Ordinal) && value is JsonArray doomed && result[key[deleteFrom.Length..]] is JsonArray list)
        {
            var gone = doomed.Select(d => d?.ToJsonString()).ToHashSet();
            foreach (var item in list.Where(i => gone.Contains(i?.ToJsonString())).ToList())
            {
                list.Remove(item);
            }
            return;
        }
        if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key.StartsWith(deleteFrom, StringComparison.Ordinal))
        {
            return; // order hints and handled directives; a missing list has nothing to delete from
        }
        throw new FormatException($"{At(path)}: unknown patch directive \"{key}\"");
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string field, string path)
    {
        if (patch.Any(p => p is JsonObject o && (string?)(o["$patch"] as JsonValue) == "replace"))
        {
            return new JsonArray([.. patch.Where(p => !(p is JsonObject o && o.ContainsKey("$patch"))).Select(p => p?.DeepClone())]);
        }
        var key = MergeKey(field, patch);
        if (key is null || target is null)
        {
            return new JsonArray([.. patch.Where(p => !(p is JsonObject o && (string?)(o["$patch"] as JsonValue) == "delete")).Select(p => p is JsonObject o ? WithoutDirectives(o) : p?.DeepClone())]);
        }
        var result = (JsonArray)target.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject element || element[key] is not { } id)
            {
                throw new FormatException($"{At(path)}: every element must have its merge key \"{key}\"");
            }
            var match = result.OfType<JsonObject>().FirstOrDefault(e => JsonNode.DeepEquals(e[key], id));
            if ((string?)(element["$patch"] as JsonValue) == "delete")
            {
                if (match is not null)
                {
                    result.Remove(match);
                }
                continue;
            }
            if (match is null)
            {
                result.Add(WithoutDirectives(element));
                continue;
            }
            var index = result.IndexOf(match);
            result[index] = Merge(match.DeepClone(), element, strategic: true, $"{path}[{key}={id.ToJsonString()}]");
        }
        return result;
    }

    /// <summary>The merge key for a list field; ports merge by containerPort in pods, by port in Services.</summary>
    private static string? MergeKey(string field, JsonArray patch)
    {
        if (field == "ports")
        {
            return patch.OfType<JsonObject>().All(p => p.ContainsKey("containerPort")) ? "containerPort"
                : patch.OfType<JsonObject>().All(p => p.ContainsKey("port")) ? "port" : null;
        }
        return s_mergeKeys.GetValueOrDefault(field) is { } key && patch.All(p => p is JsonObject) ? key : null;
    }

    private static JsonObject WithoutDirectives(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (!key.StartsWith('$'))
            {
                copy[key] = value?.DeepClone();
            }
        }
        return copy;
    }

    private static string At(string path) => path.Length == 0 ? "patch" : $"patch at {path}";
}
