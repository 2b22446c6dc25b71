using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace LabSite.Scenarios.Markdown;

/// <summary>
/// Renders each numbered code block inside a wrapper the site can hook a "copy" / "send to terminal" button on:
/// <c>&lt;div class="lab-code" data-code-block="3" data-runnable="true"&gt;&lt;pre&gt;...</c>.
/// The number matches <see cref="Model.CodeBlock.Number"/> of the step, assigned by the loader.
/// </summary>
public sealed class LabCodeBlockExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html && !html.ObjectRenderers.Contains<LabCodeBlockRenderer>())
        {
            html.ObjectRenderers.ReplaceOrAdd<CodeBlockRenderer>(new LabCodeBlockRenderer());
        }
    }
}

public static class LabCodeBlockPipelineExtensions
{
    public static MarkdownPipelineBuilder UseLabCodeBlocks(this MarkdownPipelineBuilder pipeline)
    {
        pipeline.Extensions.AddIfNotAlready<LabCodeBlockExtension>();
        return pipeline;
    }
}

/// <summary>The HTML renderer for code blocks that carry a step's code-block number.</summary>
public sealed class LabCodeBlockRenderer : CodeBlockRenderer
{
    private const string NumberKey = "labsite.code-block";
    private const string RunnableKey = "labsite.runnable";

    /// <summary>Marks a block with its number in the step (called by the loader before rendering).</summary>
    public static void Mark(CodeBlock block, int number, bool runnable)
    {
        block.SetData(NumberKey, number);
        block.SetData(RunnableKey, runnable);
    }

    protected override void Write(HtmlRenderer renderer, CodeBlock obj)
    {
        if (obj.GetData(NumberKey) is not int number)
        {
            base.Write(renderer, obj);
            return;
        }

        var runnable = obj.GetData(RunnableKey) is true ? "true" : "false";
        renderer.EnsureLine();
        renderer.Write($"<div class=\"lab-code\" data-code-block=\"{number}\" data-runnable=\"{runnable}\">");
        base.Write(renderer, obj);
        renderer.WriteLine("</div>");
    }
}
