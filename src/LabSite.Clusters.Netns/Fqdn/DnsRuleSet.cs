namespace LabSite.Clusters.Netns.Fqdn;

/// <summary>
/// The <c>rules.dns</c> entries that apply to one endpoint's DNS traffic to one server port, merged as Cilium merges
/// L7 rules for a port: a query is allowed when any selector matches its name; otherwise the proxy answers REFUSED
/// (Cilium's default <c>--tofqdns-dns-reject-response-code</c>).
/// </summary>
public sealed class DnsRuleSet(IReadOnlyList<FqdnSelector> selectors)
{
    public IReadOnlyList<FqdnSelector> Selectors { get; } = selectors;

    public bool Allows(string name) => Selectors.Any(s => s.Matches(name));

    /// <summary>The union of several rule sets (several policies selecting the same endpoint and port).</summary>
    public static DnsRuleSet Merge(IEnumerable<DnsRuleSet> sets) => new(sets.SelectMany(s => s.Selectors).ToList());
}
