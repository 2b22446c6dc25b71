namespace LabSite.Clusters.Netns.Identity;

/// <summary>
/// One security label as Cilium prints it: <c>source:key=value</c> (e.g. <c>k8s:org=empire</c>,
/// <c>reserved:host</c>, <c>cidr:10.0.0.0/8</c>). An empty value prints without <c>=</c>.
/// </summary>
public readonly record struct Label(string Source, string Key, string Value) : IComparable<Label>
{
    public const string SourceK8s = "k8s";
    public const string SourceReserved = "reserved";
    public const string SourceCidr = "cidr";
    public const string SourceAny = "any";

    /// <summary>Label keys Cilium adds to every pod's identity.</summary>
    public const string PodNamespaceKey = "io.kubernetes.pod.namespace";
    public const string ServiceAccountKey = "io.cilium.k8s.policy.serviceaccount";
    public const string ClusterKey = "io.cilium.k8s.policy.cluster";
    public const string NamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.";

    public static Label K8s(string key, string value) => new(SourceK8s, key, value);

    public static Label ReservedLabel(string name) => new(SourceReserved, name, "");

    /// <summary>
    /// Parses <c>[source:]key[=value]</c>; without a source the label is <c>any:</c> (matches every source),
    /// as Cilium's label parser does.
    /// </summary>
    public static Label Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var source = SourceAny;
        var rest = text;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        // A colon inside the value (e.g. "k8s:a=b:c") does not mark a source.
        if (colon > 0 && (eq < 0 || colon < eq))
        {
            source = text[..colon];
            rest = text[(colon + 1)..];
        }
        var eq2 = rest.IndexOf('=', StringComparison.Ordinal);
        var key = eq2 < 0 ? rest : rest[..eq2];
        var value = eq2 < 0 ? "" : rest[(eq2 + 1)..];
        if (key.Length == 0)
        {
            throw new FormatException($"label \"{text}\": empty key (expected [source:]key[=value])");
        }
        return new Label(source, key, value);
    }

    public int CompareTo(Label other)
    {
        var c = string.CompareOrdinal(Source, other.Source);
        if (c != 0)
        {
            return c;
        }
        c = string.CompareOrdinal(Key, other.Key);
        return c != 0 ? c : string.CompareOrdinal(Value, other.Value);
    }

    public override string ToString() => Value.Length == 0 ? $"{Source}:{Key}" : $"{Source}:{Key}={Value}";
}
