using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LabSite.Clusters.Netns.Store.Manifests;

/// <summary>
/// Turns multi-document YAML into JSON objects the way kubectl does (sigs.k8s.io/yaml: YAML → JSON first),
/// keeping each field's line. Plain scalars are typed by the YAML 1.2 core schema; quoted ones stay strings,
/// so <c>port: "80"</c> is a string and <c>port: 80</c> a number, as the API server sees them.
/// </summary>
public static class ManifestParser
{
    /// <summary>Parses every non-empty document; throws <see cref="ManifestParseException"/> on bad YAML or a non-object document.</summary>
    public static IReadOnlyList<ManifestDocument> Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var line = (int)e.Start.Line;
            throw new ManifestParseException(
                $"error: error parsing {source}: error converting YAML to JSON: yaml: line {line}: {Describe(e)}", line);
        }

        var documents = new List<ManifestDocument>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Style: ScalarStyle.Plain } empty && IsNull(empty.Value))
            {
                continue; // "---" followed by nothing, or only comments: kubectl skips it
            }
            if (root is not YamlMappingNode mapping)
            {
                var line = (int)root.Start.Line;
                throw new ManifestParseException(
                    $"error: error parsing {source}: document {i + 1} at line {line} is not an object (expected apiVersion, kind, metadata ...)", line);
            }
            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            var json = (JsonObject)Convert(mapping, "", lines, source)!;
            documents.Add(new ManifestDocument(source, i, (int)mapping.Start.Line, json, lines));
        }
        return documents;
    }

    private static string Describe(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        // YamlDotNet prefixes its own position "(Line: 3, Col: 5, Idx: 20) - (...): "; we print the line ourselves.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, int> lines, string source)
    {
        lines[path] = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw new ManifestParseException(
                            $"error: error parsing {source}: error converting YAML to JSON: yaml: line {keyNode.Start.Line}: only text keys are supported", (int)keyNode.Start.Line);
                    }
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (obj.ContainsKey(key))
                    {
                        throw new ManifestParseException(
                            $"error: error parsing {source}: error converting YAML to JSON: yaml: unmarshal errors:\n  line {keyNode.Start.Line}: key \"{key}\" already set in map", (int)keyNode.Start.Line);
                    }
                    obj[key] = Convert(valueNode, childPath, lines, source);
                    lines[childPath] = (int)keyNode.Start.Line; // errors point at the key: a block value starts a line below
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, $"{path}[{index++}]", lines, source));
                }
                return array;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }
        if (IsNull(value))
        {
            return null;
        }
        switch (value)
        {
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (value.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }
        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.')
            && value.Any(char.IsDigit)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(value);
    }

    private static bool IsNull(string? value) => value is null or "" or "~" or "null" or "Null" or "NULL";
}
