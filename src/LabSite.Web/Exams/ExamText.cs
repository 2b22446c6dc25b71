using Markdig;
using Microsoft.AspNetCore.Components;

namespace LabSite.Web.Exams;

/// <summary>
/// Renders question text (Markdown with backticks for code) to HTML. Raw HTML in the bank is disabled, so a
/// question can never inject markup into the page.
/// </summary>
public static class ExamText
{
    private static readonly MarkdownPipeline s_pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static MarkupString Block(string text) => new(Markdown.ToHtml(text, s_pipeline));

    /// <summary>One paragraph without its &lt;p&gt; wrapper, for option texts and explanations.</summary>
    public static MarkupString Inline(string text)
    {
        var html = Markdown.ToHtml(text, s_pipeline).Trim();
        if (html.StartsWith("<p>", StringComparison.Ordinal) && html.EndsWith("</p>", StringComparison.Ordinal) && html.IndexOf("<p>", 3, StringComparison.Ordinal) < 0)
        {
            html = html[3..^4];
        }
        return new(html);
    }

    /// <summary>Option letters as shown to the learner: A, B, C, ...</summary>
    public static string Letter(int displayPosition) => ((char)('A' + displayPosition)).ToString();
}
