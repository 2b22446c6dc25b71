using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: answer</c> checks (see docs/authoring.md, "answer").</summary>
public static class AnswerCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["question", "answer", "choices", "caseSensitive"];

    public static readonly IReadOnlyList<string> LiveKeys = ["from", "pod", "service", "namespace"];

    public static readonly IReadOnlyDictionary<string, LiveValueKind> LiveKinds = new Dictionary<string, LiveValueKind>
    {
        ["identity"] = LiveValueKind.Identity,
        ["endpoint-id"] = LiveValueKind.EndpointId,
        ["pod-ip"] = LiveValueKind.PodIp,
        ["service-ip"] = LiveValueKind.ServiceIp,
    };

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var question = reader.String("question", required: true);
        var caseSensitive = reader.Bool("caseSensitive") ?? false;
        var choices = reader.StringList("choices");
        var answer = reader.Node("answer") is YamlMappingNode
            ? ReadLive(header, reader)
            : reader.String("answer", required: true) is { } literal ? new ExpectedAnswer(literal.Trim(), null) : null;

        if (reader.Has("choices") && choices.Count < 2)
        {
            reader.Error("choices", $"{header.Context} offers fewer than two choices; give at least two, or remove choices for a typed answer");
            return null;
        }

        var comparer = caseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var distinct = new HashSet<string>(comparer);
        foreach (var (choice, location) in choices)
        {
            if (!distinct.Add(choice.Trim()))
            {
                reader.Bag.Error(location, $"{header.Context} offers the choice \"{choice}\" twice");
                return null;
            }
        }

        if (answer?.Literal is { } text && choices.Count > 0 && !distinct.Contains(text))
        {
            reader.Error("answer", $"the answer \"{text}\" of {header.Context} is not one of its choices: {string.Join(", ", choices.Select(c => c.Value))}");
            return null;
        }

        if (answer?.Live is not null && choices.Count > 0)
        {
            reader.Error("choices", $"{header.Context} reads its answer from the live cluster, so it cannot offer fixed choices; remove choices");
            return null;
        }

        return question is null || answer is null
            ? null
            : new AnswerCheck(header.Id, header.Title, header.Location, question, answer, [.. choices.Select(c => c.Value)], caseSensitive);
    }

    private static ExpectedAnswer? ReadLive(CheckHeader header, YamlMapReader reader)
    {
        var map = reader.Mapping("answer", LiveKeys);
        if (map is null)
        {
            return null;
        }

        var kind = map.Enum("from", LiveKinds, required: true);
        var @namespace = map.String("namespace") ?? PodSelector.DefaultNamespace;
        if (kind is LiveValueKind.ServiceIp)
        {
            var service = map.String("service", required: true);
            if (map.Has("pod"))
            {
                map.Error("pod", $"\"answer\" of {header.Context} reads a service IP, so it needs service, not pod");
                return null;
            }

            return service is null ? null : new ExpectedAnswer(null, new LiveValue(kind.Value, null, service, @namespace));
        }

        if (map.Has("service"))
        {
            map.Error("service", $"\"answer\" of {header.Context} reads a pod value, so it needs pod, not service");
            return null;
        }

        var pod = PodSelectorReader.Read(map, "pod", required: true);
        if (pod is not null && map.Has("namespace"))
        {
            pod = pod with { Namespace = @namespace };
        }

        return kind is null || pod is null ? null : new ExpectedAnswer(null, new LiveValue(kind.Value, pod, null, @namespace));
    }
}
