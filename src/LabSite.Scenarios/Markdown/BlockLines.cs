using Markdig.Helpers;
using Markdig.Syntax;

namespace LabSite.Scenarios.Markdown;

/// <summary>The source lines of a leaf block (a code fence's body), with their positions in the file.</summary>
public static class BlockLines
{
    /// <summary>The block's lines; none for an empty block (Markdig leaves the array null then).</summary>
    public static IEnumerable<StringLine> Of(LeafBlock block) =>
        block.Lines.Lines is { } lines ? lines.Take(block.Lines.Count) : [];
}
