namespace LabSite.Sandbox.Netns.Policy.Compile;

using LabSite.Sandbox.Netns.Identity;

/// <summary>
/// The compiled policy of one endpoint: whether each direction is enforced (the ENFORCEMENT columns of
/// <c>endpoint list</c>) and the policy map entries, sorted like <c>bpf policy get</c>.
/// </summary>
public sealed record EndpointPolicy(
    EndpointId Endpoint,
    NumericIdentity Identity,
    bool IngressEnforced,
    bool EgressEnforced,
    IReadOnlyList<PolicyMapEntry> Entries)
{
    /// <summary>True when both compiled to the same map contents and enforcement.</summary>
    public bool SameAs(EndpointPolicy? other) =>
        other is not null && Identity == other.Identity && IngressEnforced == other.IngressEnforced
        && EgressEnforced == other.EgressEnforced
        && Entries.Count == other.Entries.Count
        && Entries.Zip(other.Entries).All(p => p.First.Key == p.Second.Key && p.First.Verdict == p.Second.Verdict);
}
