using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Yaml;

/// <summary>
/// YAML text cut out of a larger file (front matter, a check block), with the map back to the file,
/// so every YAML error points at the exact line and column inside lab.md.
/// </summary>
public sealed class YamlSource
{
    private readonly IReadOnlyList<(int Line, int ColumnOffset)> _lines;

    /// <param name="file">The file the YAML was written in.</param>
    /// <param name="origin">Where the block as a whole starts (used for "missing key" errors).</param>
    /// <param name="lines">For each YAML line, its 1-based line in the file and how many columns precede it there.</param>
    public YamlSource(string file, SourceLocation origin, IReadOnlyList<(int Line, int ColumnOffset)> lines)
    {
        File = file;
        Origin = origin;
        _lines = lines;
    }

    /// <summary>A whole YAML file (an exam blueprint or question file): YAML line k is line k of the file.</summary>
    public static YamlSource ForFile(string file, string text)
    {
        var lineCount = text.Count(c => c == '\n') + 1;
        return new YamlSource(file, new SourceLocation(file, 1, 1), [.. Enumerable.Range(1, lineCount).Select(line => (line, 0))]);
    }

    public string File { get; }

    public SourceLocation Origin { get; }

    /// <summary>A YamlDotNet mark (1-based line and column within the YAML text) as a location in the file.</summary>
    public SourceLocation At(Mark mark)
    {
        if (_lines.Count == 0)
        {
            return Origin;
        }

        var index = (int)Math.Clamp(mark.Line - 1, 0, _lines.Count - 1);
        var (line, offset) = _lines[index];
        return new SourceLocation(File, line, offset + (int)Math.Max(1, mark.Column));
    }

    public SourceLocation At(YamlNode node) => At(node.Start);

    /// <summary>
    /// Parses one YAML document. Returns null (after reporting) when the text is not YAML or holds
    /// several documents; returns an empty mapping for empty text.
    /// </summary>
    public YamlNode? Parse(string text, DiagnosticBag bag, string what)
    {
        var stream = YamlLoading.Load(text, out var failure);
        if (stream is null)
        {
            bag.Error(At(failure!.Start), $"{what} is not valid YAML: {failure.Message}");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }

        if (stream.Documents.Count > 1)
        {
            bag.Error(At(stream.Documents[1].RootNode.Start), $"{what} holds more than one YAML document; remove the extra '---'");
            return null;
        }

        return stream.Documents[0].RootNode;
    }
}
