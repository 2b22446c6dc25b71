using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>
/// The compiled policy of one endpoint: whether each direction is enforced (the ENFORCEMENT columns of
/// <c>endpoint list</c>), the policy map entries sorted like <c>bpf policy get</c>, and the HTTP rules of every
/// port the entries redirect to the L7 proxy (empty when none does), and the DNS rules the lab's DNS proxy applies to
/// the endpoint's queries (null: its queries are not proxied).
/// </summary>
public sealed record EndpointPolicy(
    EndpointId Endpoint,
    NumericIdentity Identity,
    bool IngressEnforced,
    bool EgressEnforced,
    IReadOnlyList<PolicyMapEntry> Entries,
    IReadOnlyDictionary<(TrafficDirection Direction, ushort Port), L7PortPolicy>? L7Ports = null,
    Fqdn.DnsRuleSet? Dns = null)
{
    public IReadOnlyDictionary<(TrafficDirection Direction, ushort Port), L7PortPolicy> L7 => L7Ports ?? s_emptyL7;

    private static readonly Dictionary<(TrafficDirection, ushort), L7PortPolicy> s_emptyL7 = [];

    /// <summary>True when both compiled to the same map contents and enforcement.</summary>
    public bool SameAs(EndpointPolicy? other) =>
        other is not null && Identity == other.Identity && IngressEnforced == other.IngressEnforced
        && EgressEnforced == other.EgressEnforced
        && Entries.Count == other.Entries.Count
        && Entries.Zip(other.Entries).All(p => p.First.Key == p.Second.Key && p.First.Verdict == p.Second.Verdict)
        && L7Text() == other.L7Text()
        && DnsText() == other.DnsText();

    private string? DnsText() => Dns is null ? null : string.Join("\n", Dns.Selectors.Select(s => s.ToString()));

    // HTTP rules have no value equality (compiled regexes); their text plus the peers identify a rule set.
    private string L7Text() => string.Join("\n", L7.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: " + string.Join(
        " | ", kv.Value.RuleSets.Select(s => string.Join(",", s.PeerIdentities.Order()) + " " + string.Join(",", s.Rules)))));
}
