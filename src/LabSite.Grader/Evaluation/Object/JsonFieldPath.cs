using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Grader.Evaluation.Object;

/// <summary>
/// Reads a JSONPath-like field from an object: <c>.spec.replicas</c>, <c>.metadata.labels.org</c>,
/// <c>.spec.ports[0].port</c>, <c>.metadata.labels['app.kubernetes.io/name']</c>. Values compare as text, the way
/// <c>kubectl get -o jsonpath</c> prints them.
/// </summary>
public static class JsonFieldPath
{
    /// <summary>The field's value as text; null when the path leads nowhere.</summary>
    public static string? Read(JsonNode? root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = root;
        foreach (var segment in Segments(path))
        {
            node = segment switch
            {
                int index when node is JsonArray a => index < a.Count ? a[index] : null,
                string key when node is JsonObject o => o[key],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => node.ToJsonString(),
        };
    }

    /// <summary>Splits <c>.a.b[0]['c.d']</c> into "a", "b", 0, "c.d"; throws naming the position of a bad character.</summary>
    public static IReadOnlyList<object> Segments(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = new List<object>();
        var i = 0;
        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }
                if (end == i + 1)
                {
                    throw new FormatException($"field path \"{path}\": empty name at column {i + 1}");
                }
                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (c == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"field path \"{path}\": '[' at column {i + 1} is never closed");
                }
                var inner = path[(i + 1)..close].Trim();
                if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
                {
                    segments.Add(inner[1..^1]);
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(index);
                }
                else
                {
                    throw new FormatException($"field path \"{path}\": [{inner}] at column {i + 1} is neither an index nor a quoted key");
                }
                i = close + 1;
            }
            else if (i == 0)
            {
                path = "." + path;
            }
            else
            {
                throw new FormatException($"field path \"{path}\": unexpected '{c}' at column {i + 1}");
            }
        }
        return segments;
    }
}
