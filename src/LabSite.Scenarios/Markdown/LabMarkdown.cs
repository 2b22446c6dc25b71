using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;

namespace LabSite.Scenarios.Markdown;

/// <summary>
/// The one Markdig pipeline for lab Markdown, built once and shared (a built pipeline is immutable and thread-safe).
/// Lab syntax on top of CommonMark: YAML front matter, <c>## Title {#step-id}</c> step headings (generic attributes),
/// <c>:::hint</c> / <c>:::solution</c> containers (custom containers), fenced <c>check</c> blocks, and code blocks
/// rendered with a "send to terminal" hook. Raw HTML is disabled: lab text is rendered, never trusted.
/// </summary>
public static class LabMarkdown
{
    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseCustomContainers()
        .UseLabCodeBlocks()
        .DisableHtml()
        // Last, as Markdig asks: it reads `{#id}` off the end of what the other parsers produced.
        .UseGenericAttributes()
        .Build();

    public static MarkdownDocument Parse(string markdown) => Markdig.Markdown.Parse(markdown, Pipeline);

    /// <summary>Renders a run of blocks (a step's text, a hint's body) to HTML with the lab pipeline's renderers.</summary>
    public static string Render(IEnumerable<Block> blocks)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        foreach (var block in blocks)
        {
            renderer.Render(block);
        }

        writer.Flush();
        return writer.ToString();
    }
}
