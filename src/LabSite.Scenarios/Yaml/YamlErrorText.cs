using YamlDotNet.Core;

namespace LabSite.Scenarios.Yaml;

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

        var text = string.Join(' ', inner.Message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var parenthesis = text.IndexOf("(Line:", StringComparison.Ordinal);
        if (parenthesis > 0)
        {
            text = text[..parenthesis].Trim();
        }

        const string duplicate = "Duplicate key ";
        if (text.StartsWith(duplicate, StringComparison.Ordinal))
        {
            return $"key \"{text[duplicate.Length..].Trim()}\" appears twice";
        }

        // "While scanning a simple key, could not find expected ':'." reads as part of our sentence once lower-cased.
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.') : "unreadable YAML";
    }
}
