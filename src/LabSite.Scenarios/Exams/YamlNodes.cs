using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// Reads typed fields from a YamlDotNet node tree while recording a diagnostic, with the node's
/// file:line:column, for anything missing or of the wrong type. YamlDotNet marks are already 1-based.
/// </summary>
internal sealed class YamlNodes(string file, List<Diagnostic> diagnostics)
{
    public string File => file;

    public SourceLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(SourceLocation at, string message) => diagnostics.Add(new Diagnostic(at, DiagnosticSeverity.Error, message));

    public void Error(YamlNode node, string message) => Error(At(node), message);

    /// <summary>Parses the file's single document; a syntax error becomes one diagnostic and yields null.</summary>
    public YamlMappingNode? ParseRoot(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            Error(new SourceLocation(file, (int)e.Start.Line, (int)e.Start.Column), $"YAML syntax: {e.InnerException?.Message ?? e.Message}");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(new SourceLocation(file, 1, 1), "expected a YAML mapping at the top of the file");
            return null;
        }
        return root;
    }

    public YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>Flags keys that are not in <paramref name="known"/>: a typo (<c>corect:</c>) must not pass silently.</summary>
    public void RejectUnknownKeys(YamlMappingNode map, string what, params string[] known)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
            {
                Error(key, $"unknown field '{name}' in {what}; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    public string? String(YamlMappingNode map, string key, string what, bool required = true)
    {
        var node = Child(map, key);
        if (node is null)
        {
            if (required)
            {
                Error(map, $"{what} is missing required field '{key}'");
            }
            return null;
        }
        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(node, $"field '{key}' of {what} must be a non-empty text");
            return null;
        }
        return scalar.Value!.Trim();
    }

    public int? Int(YamlMappingNode map, string key, string what, bool required = true)
    {
        var text = String(map, key, what, required);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            Error(Child(map, key)!, $"field '{key}' of {what} must be a whole number, got '{text}'");
            return null;
        }
        return value;
    }

    public bool Bool(YamlMappingNode map, string key, string what)
    {
        var text = String(map, key, what, required: false);
        switch (text)
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                Error(Child(map, key)!, $"field '{key}' of {what} must be true or false, got '{text}'");
                return false;
        }
    }

    public YamlSequenceNode? Sequence(YamlMappingNode map, string key, string what)
    {
        var node = Child(map, key);
        if (node is null)
        {
            Error(map, $"{what} is missing required field '{key}'");
            return null;
        }
        if (node is not YamlSequenceNode seq)
        {
            Error(node, $"field '{key}' of {what} must be a list");
            return null;
        }
        return seq;
    }

    public YamlMappingNode? Mapping(YamlMappingNode map, string key, string what)
    {
        var node = Child(map, key);
        if (node is null)
        {
            Error(map, $"{what} is missing required field '{key}'");
            return null;
        }
        if (node is not YamlMappingNode child)
        {
            Error(node, $"field '{key}' of {what} must be a mapping");
            return null;
        }
        return child;
    }
}
