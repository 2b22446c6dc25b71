using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Shell.Bpftool;

/// <summary>
/// Cuts a host-wide <c>bpftool ... show</c> down to chosen ids, keeping bpftool's own format: in text, each object is a
/// block starting at column 0 with <c>ID: type</c> and continuing on indented lines; in JSON, an array of objects with "id".
/// </summary>
public static class BpftoolOutput
{
    private static readonly JsonSerializerOptions s_pretty = new() { WriteIndented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string FilterText(string text, IReadOnlySet<uint> ids)
    {
        var kept = new System.Text.StringBuilder();
        var keep = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0 && char.IsAsciiDigit(line[0]))
            {
                var colon = line.IndexOf(':');
                keep = colon > 0 && uint.TryParse(line.AsSpan(0, colon), out var id) && ids.Contains(id);
            }
            if (keep && line.Length > 0)
            {
                kept.Append(line).Append('\n');
            }
        }
        return kept.ToString();
    }

    public static string FilterJson(string json, IReadOnlySet<uint> ids, bool pretty)
    {
        var kept = new JsonArray(Parse(json).OfType<JsonObject>().Where(o => Id(o) is { } id && ids.Contains(id)).Select(o => (JsonNode)o.DeepClone()).ToArray());
        return kept.ToJsonString(pretty ? s_pretty : s_compact) + "\n";
    }

    /// <summary>Ids, names and tags from <c>bpftool -j prog|map show</c>.</summary>
    public static IReadOnlyList<ListedObject> Listing(string json) =>
        Parse(json).OfType<JsonObject>().Where(o => Id(o) is not null)
            .Select(o => new ListedObject(Id(o)!.Value, o["name"]?.GetValue<string>(), o["tag"]?.GetValue<string>())).ToList();

    private static JsonArray Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonArray ?? throw new InvalidOperationException("bpftool printed JSON that is not a list");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"bpftool printed JSON we could not read: {e.Message}", e);
        }
    }

    private static uint? Id(JsonObject o) => o["id"] is JsonValue v && v.TryGetValue<uint>(out var id) ? id : null;
}
