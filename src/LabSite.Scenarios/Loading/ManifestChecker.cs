using LabSite.Scenarios.Model;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Loading;

/// <summary>
/// Reads the YAML files a lab refers to (manifests, policies) far enough to catch what would make
/// <c>kubectl apply</c> fail at once: bad YAML, or a document without apiVersion, kind or metadata.name.
/// What the objects mean is the cluster's business, not the validator's.
/// </summary>
internal static class ManifestChecker
{
    public static bool IsManifest(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <param name="file">The manifest's path as it should print (under the lab folder).</param>
    public static void Check(string file, DiagnosticBag bag)
    {
        var stream = YamlLoading.Load(File.ReadAllText(file), out var failure);
        if (stream is null)
        {
            var (line, column) = (Math.Max(1, (int)failure!.Start.Line), Math.Max(1, (int)failure.Start.Column));
            bag.Error(new SourceLocation(file, line, column), $"manifest is not valid YAML: {failure.Message}");
            return;
        }

        var number = 0;
        foreach (var document in stream.Documents)
        {
            number++;
            var root = document.RootNode;
            if (root is YamlScalarNode scalar && YamlMapReader.IsEmpty(scalar))
            {
                continue;
            }

            var at = new SourceLocation(file, (int)root.Start.Line, (int)root.Start.Column);
            if (root is not YamlMappingNode mapping)
            {
                bag.Error(at, $"manifest document {number} must be a Kubernetes object (apiVersion, kind, metadata), not {YamlMapReader.Describe(root)}");
                continue;
            }

            var missing = new[] { "apiVersion", "kind" }.Where(key => Text(mapping, key) is null).ToList();
            if (!(mapping.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata)
                && metadata is YamlMappingNode meta && Text(meta, "name") is not null))
            {
                missing.Add("metadata.name");
            }

            if (missing.Count > 0)
            {
                bag.Error(at, $"manifest document {number} has no {string.Join(", ", missing)}; kubectl apply would reject it");
            }
        }
    }

    private static string? Text(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value }
            ? value
            : null;
}
