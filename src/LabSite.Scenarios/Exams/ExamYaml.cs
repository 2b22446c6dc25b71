using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Exams;

/// <summary>What blueprint and question files share on top of <see cref="YamlMapReader"/>: the top mapping and trimmed texts.</summary>
internal static class ExamYaml
{
    /// <summary>The file's top-level mapping; null (after reporting) when the file is not YAML or holds something else.</summary>
    public static YamlMappingNode? Root(YamlSource source, string text, DiagnosticBag bag, string context, string example)
    {
        var root = source.Parse(text, bag, context);
        if (root is null)
        {
            return null;
        }
        if (root is not YamlMappingNode mapping)
        {
            bag.Error(source.At(root), $"{context} must be YAML keys such as '{example}', not {YamlMapReader.Describe(root)}");
            return null;
        }
        return mapping;
    }

    /// <summary>A text without surrounding blank space (a <c>|</c> block ends in a newline); blank text counts as empty.</summary>
    public static string? Text(YamlMapReader reader, string key, bool required = true)
    {
        var text = reader.String(key, required)?.Trim();
        if (text is { Length: 0 })
        {
            reader.Error(key, $"\"{key}\" in {reader.Context} is empty; give it a value");
            return null;
        }
        return text;
    }
}
