using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Store.Selectors;

public enum SelectorOperator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

/// <summary>One requirement: <c>org=empire</c>, <c>class in (a,b)</c>, <c>!debug</c>.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            SelectorOperator.Equals or SelectorOperator.In => has && Values.Contains(value!),
            // As in Kubernetes: a missing key satisfies != and notin.
            SelectorOperator.NotEquals or SelectorOperator.NotIn => !has || !Values.Contains(value!),
            SelectorOperator.Exists => has,
            SelectorOperator.DoesNotExist => !has,
            _ => false,
        };
    }
}

/// <summary>
/// A Kubernetes label selector: all requirements must hold (AND). An empty selector matches everything,
/// as <c>matchLabels: {}</c> does; use <see cref="Nothing"/> for "matches no object".
/// </summary>
public sealed class LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing = false)
{
    public static LabelSelector Everything { get; } = new([]);

    public static LabelSelector Nothing { get; } = new([], matchesNothing: true);

    public IReadOnlyList<LabelRequirement> Requirements { get; } = requirements;

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        !matchesNothing && Requirements.All(r => r.Matches(labels));

    /// <summary>A Service's <c>spec.selector</c>: a plain map, every pair must match.</summary>
    public static LabelSelector FromMap(JsonObject? map) =>
        map is null ? Everything : new(map.Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [(string?)kv.Value ?? ""])).ToList());

    /// <summary>
    /// A <c>{matchLabels, matchExpressions}</c> object, already validated by <c>ObjectValidator</c>
    /// (so unknown operators do not occur here).
    /// </summary>
    public static LabelSelector FromJson(JsonObject? selector)
    {
        if (selector is null)
        {
            return Everything;
        }
        var requirements = new List<LabelRequirement>();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            requirements.AddRange(matchLabels.Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [(string?)kv.Value ?? ""])));
        }
        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var op = Enum.Parse<SelectorOperator>((string)expression["operator"]!);
                var values = expression["values"] is JsonArray v ? v.Select(x => (string?)x ?? "").ToList() : [];
                requirements.Add(new LabelRequirement((string)expression["key"]!, op, values));
            }
        }
        return new LabelSelector(requirements);
    }

    public static IReadOnlyDictionary<string, string> LabelsOf(JsonObject obj) =>
        obj["metadata"]?["labels"] is JsonObject labels
            ? labels.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "")
            : new Dictionary<string, string>();

    public override string ToString() => string.Join(",", Requirements.Select(r => r.Operator switch
    {
        SelectorOperator.Equals => $"{r.Key}={r.Values[0]}",
        SelectorOperator.NotEquals => $"{r.Key}!={r.Values[0]}",
        SelectorOperator.In => $"{r.Key} in ({string.Join(",", r.Values)})",
        SelectorOperator.NotIn => $"{r.Key} notin ({string.Join(",", r.Values)})",
        SelectorOperator.Exists => r.Key,
        _ => $"!{r.Key}",
    }));
}
