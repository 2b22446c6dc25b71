namespace LabSite.Clusters.Netns.Store.Kinds;

/// <summary>Identifies a stored object; <see cref="Namespace"/> is "" for cluster-scoped kinds.</summary>
public readonly record struct ObjectKey(string Kind, string Namespace, string Name) : IComparable<ObjectKey>
{
    public int CompareTo(ObjectKey other)
    {
        var c = string.CompareOrdinal(Kind, other.Kind);
        if (c == 0)
        {
            c = string.CompareOrdinal(Namespace, other.Namespace);
        }
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
