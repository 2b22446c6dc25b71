using System.Text.Json.Nodes;

namespace LabSite.Clusters.Contract;

/// <summary>
/// Reads JSON integers whatever CLR type holds them: System.Text.Json's explicit casts demand the exact type
/// (a node made from an int cannot be read as a long), and values here come from YAML (long), from our
/// defaults (int) and from the wire (JsonElement).
/// </summary>
public static class JsonNumbers
{
    public static long? AsLong(this JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }
        return value.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (long)d : null;
    }

    public static int? AsInt(this JsonNode? node) => node.AsLong() is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;
}
