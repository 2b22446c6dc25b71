namespace LabSite.Scenarios.Yaml;

using YamlDotNet.Core;

/// <summary>Turns YamlDotNet's parser messages into a short sentence for content authors.</summary>
public static class YamlErrorText
{
    public static string Clean(YamlException e)
    {
        // Wrapped exceptions carry the useful text on the innermost one.
        Exception inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var text = inner.Message.Trim();
        var parenthesis = text.IndexOf("(Line:", StringComparison.Ordinal);
        if (parenthesis > 0)
        {
            text = text[..parenthesis].Trim();
        }

        if (text.StartsWith("While ", StringComparison.Ordinal))
        {
            // "While scanning a simple key, could not find expected ':'." → the second half says what is wrong.
            var comma = text.IndexOf(", ", StringComparison.Ordinal);
            if (comma > 0)
            {
                text = text[(comma + 2)..];
            }
        }

        return text.TrimEnd('.');
    }
}
