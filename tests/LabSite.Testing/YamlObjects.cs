using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using YamlDotNet.RepresentationModel;

namespace LabSite.Testing;

/// <summary>Turns YAML manifests into the JSON objects the store hands to policy code (test-only converter).</summary>
public static class YamlObjects
{
    public static KubeObject One(string yaml) => All(yaml).Single();

    public static IReadOnlyList<KubeObject> All(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Where(d => d.RootNode is YamlMappingNode)
            .Select(d => new KubeObject((JsonObject)Convert(d.RootNode)!))
            .ToList();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
        YamlScalarNode v => Scalar(v),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode v)
    {
        var text = v.Value ?? "";
        if (v.Style is YamlDotNet.Core.ScalarStyle.Plain)
        {
            if (text is "true" or "false")
            {
                return JsonValue.Create(text == "true");
            }
            if (long.TryParse(text, out var n))
            {
                return JsonValue.Create(n);
            }
            if (text is "" or "null" or "~")
            {
                return null;
            }
        }
        return JsonValue.Create(text);
    }
}
