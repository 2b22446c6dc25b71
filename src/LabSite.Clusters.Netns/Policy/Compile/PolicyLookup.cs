using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Policy.Api;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>
/// The datapath's policy decision replayed in C# over compiled entries (bpf/lib/policy.h policy_can_access):
/// longest match for the remote identity and for identity 0, then deny first, proxy priority, longer prefix,
/// specific identity. Used to explain verdicts in flows and to test the compiler against the kernel's rules.
/// </summary>
public static class PolicyLookup
{
    /// <summary>The deciding entry, or null when nothing matches (a default-deny drop).</summary>
    public static PolicyMapEntry? Decide(IReadOnlyList<PolicyMapEntry> entries, TrafficDirection dir, uint remoteIdentity, byte protocol, ushort port)
    {
        var probe = new PolicyKey(new NumericIdentity(remoteIdentity), dir, (L4Protocol)protocol, port, 24);
        var l3 = Longest(entries, probe);
        var l4 = Longest(entries, probe with { Identity = NumericIdentity.Unknown });
        if (l3 is null || l4 is null)
        {
            return l3 ?? l4;
        }
        if (l3.Verdict.Deny != l4.Verdict.Deny)
        {
            return l3.Verdict.Deny ? l3 : l4;
        }
        if (l3.Verdict.ProxyPortPriority != l4.Verdict.ProxyPortPriority)
        {
            return l3.Verdict.ProxyPortPriority > l4.Verdict.ProxyPortPriority ? l3 : l4;
        }
        return l3.Key.PortPrefixLength >= l4.Key.PortPrefixLength ? l3 : l4;
    }

    private static PolicyMapEntry? Longest(IReadOnlyList<PolicyMapEntry> entries, PolicyKey probe) =>
        entries.Where(e => e.Key.Covers(probe)).MaxBy(e => e.Key.PortPrefixLength);
}
