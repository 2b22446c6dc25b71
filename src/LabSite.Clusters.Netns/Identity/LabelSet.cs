namespace LabSite.Clusters.Netns.Identity;

/// <summary>
/// An immutable set of labels kept sorted (source, key, value), so equal sets compare, hash and print the same:
/// that is what makes "same labels → same identity" hold.
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly Label[] _labels;
    private readonly int _hash;

    public static readonly LabelSet Empty = new([]);

    public LabelSet(IEnumerable<Label> labels)
    {
        _labels = labels.Distinct().Order().ToArray();
        var h = new HashCode();
        foreach (var l in _labels)
        {
            h.Add(l);
        }
        _hash = h.ToHashCode();
    }

    public IReadOnlyList<Label> Labels => _labels;

    public int Count => _labels.Length;

    /// <summary>The value of <paramref name="key"/> under <paramref name="source"/> (any source when "any").</summary>
    public bool TryGetValue(string source, string key, out string value)
    {
        foreach (var l in _labels)
        {
            if (l.Key == key && (source == Label.SourceAny || l.Source == source))
            {
                value = l.Value;
                return true;
            }
        }
        value = "";
        return false;
    }

    public bool Contains(Label label) => Array.BinarySearch(_labels, label) >= 0;

    public bool Equals(LabelSet? other) => other is not null && _hash == other._hash && _labels.AsSpan().SequenceEqual(other._labels);

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => _hash;

    /// <summary>Comma-separated <c>source:key=value</c> list, as Cilium prints a label array on one line.</summary>
    public override string ToString() => string.Join(",", _labels);
}
