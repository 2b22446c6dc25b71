using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Clusters.Netns.Tests.Policy.Compile;

/// <summary>The C# replay of the datapath's decision (used to name policies in flows).</summary>
public class PolicyLookupTests
{
    private static readonly PolicySource s_src = new("CiliumNetworkPolicy", "p", "default");

    private static PolicyMapEntry E(uint id, L4Protocol proto, ushort port, byte prefix, bool deny = false) =>
        new(new PolicyKey(new NumericIdentity(id), TrafficDirection.Ingress, proto, port, prefix), new PolicyVerdict(deny), [s_src]);

    [Fact]
    public void Longest_match_per_identity_then_deny_wins()
    {
        PolicyMapEntry[] entries = [E(300, L4Protocol.Any, 0, 0), E(300, L4Protocol.TCP, 80, 24), E(0, L4Protocol.TCP, 22, 24, deny: true)];
        Assert.Equal(24, PolicyLookup.Decide(entries, TrafficDirection.Ingress, 300, 6, 80)!.Key.PortPrefixLength);
        Assert.Equal(0, PolicyLookup.Decide(entries, TrafficDirection.Ingress, 300, 6, 81)!.Key.PortPrefixLength);
        Assert.True(PolicyLookup.Decide(entries, TrafficDirection.Ingress, 300, 6, 22)!.Verdict.Deny);
        Assert.Null(PolicyLookup.Decide(entries, TrafficDirection.Ingress, 301, 6, 80));
        Assert.Null(PolicyLookup.Decide(entries, TrafficDirection.Egress, 300, 6, 80));
    }

    [Fact]
    public void Port_ranges_match_by_prefix()
    {
        PolicyMapEntry[] entries = [E(0, L4Protocol.TCP, 8080, 20)];
        Assert.NotNull(PolicyLookup.Decide(entries, TrafficDirection.Ingress, 5, 6, 8095));
        Assert.Null(PolicyLookup.Decide(entries, TrafficDirection.Ingress, 5, 6, 8096));
        Assert.Null(PolicyLookup.Decide(entries, TrafficDirection.Ingress, 5, 17, 8080));
    }
}
