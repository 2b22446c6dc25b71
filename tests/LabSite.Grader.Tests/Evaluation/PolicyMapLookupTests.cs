using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Evaluation.PolicyMap;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class PolicyMapLookupTests
{
    private static readonly PolicyMapLookup.Packet s_tiefighterTo80 = new(256, Egress: false, Protocol: 6, Port: 80);

    [Fact]
    public void L4_only_wildcard_entry_allows_the_peer_and_is_the_entry_named()
    {
        var wildcard = new PolicyMapEntryDump(false, false, 0, 6, 80, 24);
        var hit = PolicyMapLookup.Lookup([wildcard, new PolicyMapEntryDump(false, false, 999, 6, 80, 24)], s_tiefighterTo80);
        Assert.Same(wildcard, hit);
    }

    [Fact]
    public void Own_identity_beats_wildcard_on_equal_prefix_and_longer_prefix_beats_both()
    {
        var any80 = new PolicyMapEntryDump(false, false, 0, 6, 80, 24, ProxyPort: 15001);
        var own80 = new PolicyMapEntryDump(false, false, 256, 6, 80, 24);
        var ownAll = new PolicyMapEntryDump(false, false, 256, 0, 0, 0);
        Assert.Same(own80, PolicyMapLookup.Lookup([any80, own80, ownAll], s_tiefighterTo80));
        Assert.Same(any80, PolicyMapLookup.Lookup([any80, ownAll], s_tiefighterTo80));
    }

    [Fact]
    public void Deny_wins_over_a_more_specific_allow()
    {
        var allow = new PolicyMapEntryDump(false, false, 256, 6, 80, 24);
        var deny = new PolicyMapEntryDump(true, false, 256, 0, 0, 0);
        Assert.Same(deny, PolicyMapLookup.Lookup([allow, deny], s_tiefighterTo80));
    }

    [Fact]
    public void Other_direction_protocol_port_or_identity_do_not_match()
    {
        PolicyMapEntryDump[] entries =
        [
            new(false, true, 256, 6, 80, 24),
            new(false, false, 256, 17, 80, 24),
            new(false, false, 256, 6, 443, 24),
            new(false, false, 257, 6, 80, 24),
        ];
        Assert.Null(PolicyMapLookup.Lookup(entries, s_tiefighterTo80));
    }

    [Fact]
    public void Port_ranges_cover_by_prefix()
    {
        var range = new PolicyMapEntryDump(false, false, 256, 6, 8080, 20); // 8080-8095/TCP
        Assert.Equal("8080-8095/TCP", range.PortProto());
        Assert.Same(range, PolicyMapLookup.Lookup([range], s_tiefighterTo80 with { Port = 8095 }));
        Assert.Null(PolicyMapLookup.Lookup([range], s_tiefighterTo80 with { Port = 8096 }));
    }

    [Fact]
    public void Exact_ignores_wildcards()
    {
        var wildcard = new PolicyMapEntryDump(false, false, 0, 0, 0, 0);
        Assert.Null(PolicyMapLookup.Exact([wildcard], s_tiefighterTo80));
        var own = new PolicyMapEntryDump(false, false, 256, 6, 80, 24);
        Assert.Same(own, PolicyMapLookup.Exact([wildcard, own], s_tiefighterTo80));
    }
}
