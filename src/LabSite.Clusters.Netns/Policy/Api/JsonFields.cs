using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Reads typed fields out of a policy's JSON while tracking the field path, collecting errors instead of throwing
/// so one pass reports every problem. Unknown fields are errors too: a typo must never be silently ignored.
/// </summary>
internal sealed class JsonFields(List<PolicyError> errors)
{
    public List<PolicyError> Errors { get; } = errors;

    /// <summary>Accepted values the API server would warn about (kubectl prints them as <c>Warning: ...</c>).</summary>
    public List<PolicyError> Warnings { get; } = [];

    public void Error(string path, string message) => Errors.Add(new PolicyError(path, message));

    public void Warn(string path, string message) => Warnings.Add(new PolicyError(path, message));

    /// <summary>Reports fields of <paramref name="obj"/> not in <paramref name="known"/>.</summary>
    public void RejectUnknown(JsonObject obj, string path, params string[] known)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
            {
                Error(Join(path, key), $"unknown field \"{key}\" (known here: {string.Join(", ", known)})");
            }
        }
    }

    public JsonObject? Object(JsonNode? parent, string path, string field)
    {
        var node = parent?[field];
        if (node is null)
        {
            return null;
        }
        if (node is JsonObject o)
        {
            return o;
        }
        Error(Join(path, field), $"expected an object, got {Describe(node)}");
        return null;
    }

    /// <summary>The array's elements (null when absent). A JSON null counts as absent.</summary>
    public JsonArray? Array(JsonNode? parent, string path, string field)
    {
        var node = parent?[field];
        if (node is null)
        {
            return null;
        }
        if (node is JsonArray a)
        {
            return a;
        }
        Error(Join(path, field), $"expected a list, got {Describe(node)}");
        return null;
    }

    public string? String(JsonNode? parent, string path, string field)
    {
        var node = parent?[field];
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }
        // YAML turns port: 80 into a number; Kubernetes accepts int-or-string fields either way.
        if (node is JsonValue n && n.GetValueKind() == JsonValueKind.Number)
        {
            return n.ToJsonString();
        }
        Error(Join(path, field), $"expected a string, got {Describe(node)}");
        return null;
    }

    public bool? Bool(JsonNode? parent, string path, string field)
    {
        var node = parent?[field];
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.TryGetValue<bool>(out var b))
        {
            return b;
        }
        if (node is JsonValue s && s.TryGetValue<string>(out var text) && bool.TryParse(text, out var parsed))
        {
            return parsed;
        }
        Error(Join(path, field), $"expected true or false, got {Describe(node)}");
        return null;
    }

    /// <summary>An integer (number or numeric string) in [min, max]; null when absent or invalid.</summary>
    public long? Integer(JsonNode? parent, string path, string field, long min, long max)
    {
        var node = parent?[field];
        if (node is null)
        {
            return null;
        }
        long value;
        // The backing CLR type of a number varies (int from code, JsonElement from a parser): read its text.
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l))
        {
            value = l;
        }
        else if (node is JsonValue s && s.TryGetValue<string>(out var text) && long.TryParse(text, out var parsed))
        {
            value = parsed;
        }
        else
        {
            Error(Join(path, field), $"expected an integer, got {Describe(node)}");
            return null;
        }
        if (value < min || value > max)
        {
            Error(Join(path, field), $"{value} is out of range {min}-{max}");
            return null;
        }
        return value;
    }

    public static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    public static string Index(string path, int i) => $"{path}[{i}]";

    public static string Describe(JsonNode node) => node switch
    {
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };
}
