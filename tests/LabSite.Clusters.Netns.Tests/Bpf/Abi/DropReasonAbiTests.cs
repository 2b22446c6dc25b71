using System.Text.RegularExpressions;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Bpf.Abi;

/// <summary>The codes in bpf/include/labsite_abi.h equal their C# twins (append-only on both sides).</summary>
public class DropReasonAbiTests
{
    private static Dictionary<string, int> Defines()
    {
        var header = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "bpf", "include", "labsite_abi.h"));
        return Regex.Matches(header, @"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => Convert.ToInt32(m.Groups[2].Value, m.Groups[2].Value.StartsWith("0x", StringComparison.Ordinal) ? 16 : 10));
    }

    [Theory]
    [InlineData("DROP_INVALID_SIP", DropReason.INVALID_SOURCE_IP)]
    [InlineData("DROP_POLICY", DropReason.POLICY_DENIED)]
    [InlineData("DROP_INVALID", DropReason.INVALID_PACKET_DROPPED)]
    [InlineData("DROP_CT_INVALID_HDR", DropReason.CT_TRUNCATED_OR_INVALID_HEADER)]
    [InlineData("DROP_POLICY_DENY", DropReason.POLICY_DENY)]
    [InlineData("DROP_PROXY_LOOKUP", DropReason.PROXY_LOOKUP_FAILED)]
    [InlineData("DROP_EP_NOT_READY", DropReason.DROP_EP_NOT_READY)]
    [InlineData("DROP_NO_TUNNEL_ENDPOINT", DropReason.NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT)]
    public void Drop_reasons_match(string define, DropReason reason) => Assert.Equal((int)reason, Defines()[define]);

    [Fact]
    public void Event_codes_match()
    {
        var d = Defines();
        Assert.Equal(EventCodes.Drop, d["EVENT_DROP"]);
        Assert.Equal(EventCodes.Trace, d["EVENT_TRACE"]);
        Assert.Equal(EventCodes.PolicyVerdict, d["EVENT_POLICY_VERDICT"]);
        Assert.Equal(EventCodes.Version, d["EVENT_VERSION"]);
        Assert.Equal(EventCodes.TraceToLxc, d["TRACE_TO_LXC"]);
        Assert.Equal(EventCodes.TraceFromLxc, d["TRACE_FROM_LXC"]);
        Assert.Equal(EventCodes.FlagIsReplyKnown, d["EV_F_IS_REPLY_KNOWN"]);
        Assert.Equal(EventCodes.FlagIsReply, d["EV_F_IS_REPLY"]);
        Assert.Equal((int)EndpointInfoAbi.IngressEnforced, d["EP_F_INGRESS_ENFORCED"]);
        Assert.Equal((int)EndpointInfoAbi.EgressEnforced, d["EP_F_EGRESS_ENFORCED"]);
        Assert.Equal((int)PolicyKeyAbi.StaticPrefix, d["POLICY_STATIC_PREFIX"]);
        Assert.Equal(PolicyEntryAbi.PrefixShift, d["POLICY_ENTRY_PREFIX_SHIFT"]);
        Assert.Equal((int)IpcacheKeyAbi.StaticPrefix, d["IPCACHE_STATIC_PREFIX"]);
    }

    [Fact]
    public void Match_types_match_the_flow_constants()
    {
        var d = Defines();
        Assert.Equal((int)PolicyMatchType.L3Only, d["POLICY_MATCH_L3_ONLY"]);
        Assert.Equal((int)PolicyMatchType.L3L4, d["POLICY_MATCH_L3_L4"]);
        Assert.Equal((int)PolicyMatchType.L4Only, d["POLICY_MATCH_L4_ONLY"]);
        Assert.Equal((int)PolicyMatchType.All, d["POLICY_MATCH_ALL"]);
        Assert.Equal((int)PolicyMatchType.L3Proto, d["POLICY_MATCH_L3_PROTO"]);
        Assert.Equal((int)PolicyMatchType.ProtoOnly, d["POLICY_MATCH_PROTO_ONLY"]);
    }
}
