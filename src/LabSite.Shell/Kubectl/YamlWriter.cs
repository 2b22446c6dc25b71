using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl get -o yaml</c>'s style (sigs.k8s.io/yaml over go-yaml): map keys sorted, two-space indent, list items
/// at the parent's indent (<c>items:\n- a</c>), strings quoted only when plain text would read as something else.
/// </summary>
public static partial class YamlWriter
{
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        WriteNode(text, node, 0, inline: false);
        return text.ToString();
    }

    private static void WriteNode(StringBuilder text, JsonNode? node, int indent, bool inline)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                var first = true;
                foreach (var (key, value) in obj.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (!(first && inline))
                    {
                        text.Append(' ', indent);
                    }
                    first = false;
                    text.Append(Scalar(key)).Append(':');
                    WriteValue(text, value, indent, forList: false);
                }
                break;
            case JsonArray array when array.Count > 0:
                foreach (var item in array)
                {
                    text.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 })
                    {
                        text.Append(' ');
                        WriteNode(text, item, indent + 2, inline: true);
                    }
                    else
                    {
                        WriteValue(text, item, indent, forList: true);
                    }
                }
                break;
            default:
                text.Append(' ', indent).Append(Leaf(node)).Append('\n');
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent, bool forList)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 }:
                text.Append('\n');
                WriteNode(text, value, indent + 2, inline: false);
                break;
            case JsonArray { Count: > 0 }:
                text.Append('\n');
                // go-yaml puts a list under a key at the key's own indent, but nests a list inside a list.
                WriteNode(text, value, forList ? indent + 2 : indent, inline: false);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s) && s.Contains('\n'):
                text.Append(' ').Append(s.EndsWith('\n') ? "|" : "|-").Append('\n');
                foreach (var line in s.TrimEnd('\n').Split('\n'))
                {
                    text.Append(line.Length == 0 ? "" : new string(' ', indent + 2) + line).Append('\n');
                }
                break;
            default:
                text.Append(' ').Append(Leaf(value)).Append('\n');
                break;
        }
    }

    private static string Leaf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.TryGetValue<string>(out var s) => Scalar(s),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        _ => node.ToJsonString(),
    };

    /// <summary>A string as go-yaml writes it: plain when unambiguous, else double-quoted.</summary>
    private static string Scalar(string s)
    {
        if (s.Length > 0 && !NeedsQuotes(s))
        {
            return s;
        }
        return JsonSerializer.Serialize(s, s_quoting);
    }

    private static readonly JsonSerializerOptions s_quoting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool NeedsQuotes(string s) =>
        "-?:,[]{}#&*!|>'\"%@`".Contains(s[0]) && !(s[0] is '-' or '?' or ':' && s.Length > 1 && s[1] != ' ')
        || s[0] == ' ' || s[^1] == ' ' || s.Contains(": ") || s.Contains(" #") || s.EndsWith(':')
        || s.Any(c => char.IsControl(c))
        || Resolves(s);

    /// <summary>YAML 1.1 values that would not read back as strings: booleans, null, numbers, timestamps.</summary>
    private static bool Resolves(string s) =>
        s is "~" or "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE"
            or "yes" or "Yes" or "YES" or "no" or "No" or "NO" or "on" or "On" or "ON" or "off" or "Off" or "OFF"
            or "y" or "Y" or "n" or "N" or "=" or "<<"
        || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && NumberLike().IsMatch(s)
        || Timestamp().IsMatch(s);

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex NumberLike();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$")]
    private static partial Regex Timestamp();
}
