using System.Text.RegularExpressions;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Checks;

/// <summary>
/// Reads a <see cref="PodSelector"/>: <c>tiefighter</c>, <c>default/tiefighter</c>, <c>{pod: tiefighter}</c>
/// or <c>{labels: {org: empire}, namespace: default}</c>.
/// </summary>
public static partial class PodSelectorReader
{
    public static readonly IReadOnlyList<string> Keys = ["pod", "labels", "namespace"];

    public static PodSelector? Read(YamlMapReader reader, string key, bool required = false)
    {
        var node = reader.Node(key);
        if (node is null || YamlMapReader.IsEmpty(node))
        {
            if (required)
            {
                reader.String(key, required: true);
            }

            return null;
        }

        if (node is YamlScalarNode)
        {
            return FromText(reader, key, reader.String(key)!);
        }

        var map = reader.Mapping(key, Keys);
        return map is null ? null : FromMapping(map, $"\"{key}\" of {reader.Context}");
    }

    /// <summary>Reads the pod/labels/namespace keys of a mapping that may hold other keys too (a policy peer).</summary>
    public static PodSelector? FromMapping(YamlMapReader map, string what)
    {
        var @namespace = map.String("namespace") ?? PodSelector.DefaultNamespace;
        if (map.Has("namespace") && !IsName(@namespace))
        {
            map.Error("namespace", $"namespace \"{@namespace}\" in {what} is not a valid Kubernetes name");
        }

        var pod = map.String("pod");
        var labels = map.Has("labels") ? map.StringMap("labels") : null;
        if (pod is not null && map.Has("labels"))
        {
            map.Bag.Error(map.KeyLocation("labels"), $"{what} names both a pod and labels; keep one of them");
            return null;
        }

        if (pod is not null)
        {
            if (!IsName(pod))
            {
                map.Error("pod", $"pod \"{pod}\" in {what} is not a valid pod name (lowercase letters, digits, '-' and '.')");
                return null;
            }

            return PodSelector.ByName(pod, @namespace);
        }

        if (labels is not null)
        {
            return PodSelector.ByLabels(labels, @namespace);
        }

        if (!map.Has("labels"))
        {
            map.Bag.Error(map.MissingKeyLocation, $"{what} must name a pod (pod: tiefighter) or labels (labels: {{org: empire}})");
        }

        return null;
    }

    private static PodSelector? FromText(YamlMapReader reader, string key, string text)
    {
        var slash = text.IndexOf('/');
        var (ns, name) = slash < 0 ? (PodSelector.DefaultNamespace, text) : (text[..slash], text[(slash + 1)..]);
        if (IsName(ns) && IsName(name))
        {
            return PodSelector.ByName(name, ns);
        }

        reader.Error(key, $"\"{key}\" in {reader.Context} must be a pod name like tiefighter or default/tiefighter, or a mapping with pod or labels; got \"{text}\"");
        return null;
    }

    private static bool IsName(string text) => NamePattern().IsMatch(text) && text.Length <= 253;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
