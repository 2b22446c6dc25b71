using System.Text.RegularExpressions;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Loading;

/// <summary>A Kubernetes object some file or command of the lab creates, with the labels its pods get.</summary>
internal sealed record LabObject(string Kind, string Name, string Namespace, IReadOnlyDictionary<string, string> PodLabels);

/// <summary>
/// What the lab creates, as far as its files and commands show: every object in its YAML files, plus
/// <c>kubectl run NAME</c>, <c>kubectl create deployment NAME</c> and <c>kubectl create namespace NAME</c> in its
/// shell blocks. Used to warn about checks that name pods or services nothing in the lab creates.
/// </summary>
internal sealed partial class LabObjectIndex
{
    private static readonly IReadOnlyList<string> s_workloadKinds = ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"];

    private readonly List<LabObject> _objects = [];

    public IReadOnlyList<LabObject> Objects => _objects;

    public IEnumerable<LabObject> Workloads => _objects.Where(o => s_workloadKinds.Contains(o.Kind));

    public static LabObjectIndex Build(string labDirectory, IEnumerable<string> shellBlocks)
    {
        var index = new LabObjectIndex();
        foreach (var file in Directory.EnumerateFiles(labDirectory, "*", SearchOption.AllDirectories).Where(ManifestChecker.IsManifest).Order(StringComparer.Ordinal))
        {
            // Broken files are reported where they are referenced; here they just contribute nothing.
            var stream = YamlLoading.Load(File.ReadAllText(file), out _);
            foreach (var document in stream?.Documents ?? [])
            {
                if (document.RootNode is YamlMappingNode root)
                {
                    index.Add(root);
                }
            }
        }

        foreach (Match match in shellBlocks.SelectMany(block => CreatingCommand().Matches(block)))
        {
            var kind = match.Groups["verb"].Value switch
            {
                "run" => "Pod",
                "create deployment" or "create deploy" => "Deployment",
                _ => "Namespace",
            };
            var labels = kind == "Pod" ? new Dictionary<string, string> { ["run"] = match.Groups["name"].Value } : new Dictionary<string, string> { ["app"] = match.Groups["name"].Value };
            index._objects.Add(new LabObject(kind, match.Groups["name"].Value, match.Groups["ns"].Success ? match.Groups["ns"].Value : PodSelector.DefaultNamespace, labels));
        }

        return index;
    }

    /// <summary>Whether some workload's pods match <paramref name="selector"/> (by name, as the selector documents, or by labels).</summary>
    public bool Matches(PodSelector selector) => Workloads.Any(w => w.Namespace == selector.Namespace && (selector.Name is { } name
        ? w.Name == name || w.Name.StartsWith(name + "-", StringComparison.Ordinal) || (w.Kind != "Pod" && name.StartsWith(w.Name + "-", StringComparison.Ordinal))
        : selector.Labels.All(l => w.PodLabels.TryGetValue(l.Key, out var v) && v == l.Value)));

    public bool Has(string kind, string name, string? @namespace) =>
        _objects.Any(o => o.Kind == kind && o.Name == name && (@namespace is null || o.Namespace == @namespace));

    /// <summary>The pod-making workloads' names, for messages: "pods here: client, intruder, web".</summary>
    public string WorkloadNames(string @namespace)
    {
        var names = Workloads.Where(w => w.Namespace == @namespace).Select(w => w.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private void Add(YamlMappingNode root)
    {
        var kind = Text(root, "kind");
        var metadata = Child(root, "metadata");
        var name = metadata is null ? null : Text(metadata, "name");
        if (kind is null || name is null)
        {
            return;
        }

        var @namespace = (metadata is null ? null : Text(metadata, "namespace")) ?? PodSelector.DefaultNamespace;

        // A Pod's own labels, or the pod template's for workloads that make pods.
        var labelsHolder = kind == "Pod" ? metadata : Child(Child(Child(root, "spec"), "template"), "metadata");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(labelsHolder, "labels") is { } labelMap)
        {
            foreach (var (key, value) in labelMap.Children)
            {
                if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: { } v })
                {
                    labels[k] = v;
                }
            }
        }

        _objects.Add(new LabObject(kind, name, @namespace, labels));
    }

    private static YamlMappingNode? Child(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;

    [GeneratedRegex(@"\bkubectl\s+(?:(?:-n|--namespace)[\s=](?<ns>[a-z0-9-]+)\s+)?(?<verb>run|create deployment|create deploy|create namespace|create ns)\s+(?<name>[a-z0-9][a-z0-9.-]*)")]
    private static partial Regex CreatingCommand();
}
