using System.Text;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LabSite.Scenarios.Markdown;

/// <summary>The plain text of a heading (emphasis and code spans flattened), for step titles.</summary>
public static class InlineText
{
    public static string Of(LeafBlock block)
    {
        var text = new StringBuilder();
        Append(block.Inline, text);
        return text.ToString().Trim();
    }

    private static void Append(Inline? inline, StringBuilder text)
    {
        switch (inline)
        {
            case null:
                return;
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline:
                text.Append(' ');
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    Append(child, text);
                }

                break;
        }
    }
}
