using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Policy.Api;

public enum SelectorOperator { In, NotIn, Exists, DoesNotExist }

/// <summary>
/// One requirement of a selector. <see cref="Source"/> is the label source the key was written with
/// (<c>k8s</c>, <c>reserved</c>, ...); a key without one is <c>any</c> and matches a label from every source.
/// </summary>
public sealed record SelectorRequirement(string Source, string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(LabelSet labels)
    {
        var present = labels.TryGetValue(Source, Key, out var value);
        return Operator switch
        {
            SelectorOperator.In => present && Values.Contains(value),
            SelectorOperator.NotIn => !present || !Values.Contains(value),
            SelectorOperator.Exists => present,
            SelectorOperator.DoesNotExist => !present,
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        SelectorOperator.In when Values.Count == 1 => $"{Source}:{Key}={Values[0]}",
        SelectorOperator.Exists or SelectorOperator.DoesNotExist => $"{Source}:{Key} {Operator}",
        _ => $"{Source}:{Key} {Operator} ({string.Join(",", Values)})",
    };
}

/// <summary>
/// A label selector over security labels (Cilium's EndpointSelector): the AND of its requirements. An empty selector
/// matches every identity, reserved ones included (that is the wildcard; policy code adds the namespace requirement
/// where Cilium does). Immutable; <see cref="Key"/> is a canonical text so equal selectors share a selector-cache slot.
/// </summary>
public sealed class EndpointSelector : IEquatable<EndpointSelector>
{
    public static readonly EndpointSelector Wildcard = new([]);

    public EndpointSelector(IEnumerable<SelectorRequirement> requirements)
    {
        Requirements = requirements
            .Select(r => r with { Values = r.Values.Order(StringComparer.Ordinal).ToArray() })
            .OrderBy(r => r.ToString(), StringComparer.Ordinal)
            .ToArray();
        Key = Requirements.Count == 0 ? "&LabelSelector{}" : string.Join("; ", Requirements);
    }

    public IReadOnlyList<SelectorRequirement> Requirements { get; }

    /// <summary>Canonical text of the selector (sorted requirements).</summary>
    public string Key { get; }

    public bool IsWildcard => Requirements.Count == 0;

    public bool Matches(LabelSet labels) => Requirements.All(r => r.Matches(labels));

    /// <summary>True when some requirement names <paramref name="key"/> (under any source).</summary>
    public bool HasKey(string key) => Requirements.Any(r => r.Key == key);

    /// <summary>True when some requirement uses the label source <paramref name="source"/>.</summary>
    public bool HasSource(string source) => Requirements.Any(r => r.Source == source);

    public EndpointSelector With(SelectorRequirement extra) => new(Requirements.Append(extra));

    public static EndpointSelector MatchLabel(string source, string key, string value) =>
        new([new SelectorRequirement(source, key, SelectorOperator.In, [value])]);

    public bool Equals(EndpointSelector? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as EndpointSelector);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Key;
}
