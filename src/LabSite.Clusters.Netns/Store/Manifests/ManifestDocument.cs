using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Store.Manifests;

/// <summary>
/// One YAML document of a manifest as JSON, with the line of every field so errors can point at it.
/// Paths are written as in API errors: <c>spec.containers[0].image</c>.
/// </summary>
public sealed class ManifestDocument(string source, int index, int line, JsonObject json, IReadOnlyDictionary<string, int> lines)
{
    /// <summary>The file the text came from ("-" for stdin).</summary>
    public string Source { get; } = source;

    /// <summary>0-based position of the document in its file.</summary>
    public int Index { get; } = index;

    /// <summary>1-based line where the document's content starts.</summary>
    public int Line { get; } = line;

    public JsonObject Json { get; } = json;

    /// <summary>
    /// The line of a field, or of its closest parent that exists (a missing field is reported where its parent is).
    /// </summary>
    public int LineOf(string path)
    {
        var p = path;
        while (p.Length > 0)
        {
            if (lines.TryGetValue(p, out var found))
            {
                return found;
            }
            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            p = cut <= 0 ? "" : p[..cut];
        }
        return Line;
    }
}
