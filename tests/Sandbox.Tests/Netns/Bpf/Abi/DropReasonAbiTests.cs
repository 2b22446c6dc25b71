namespace LabSite.Sandbox.Tests.Netns.Bpf.Abi;

using System.Text.RegularExpressions;
using LabSite.Sandbox.Contract.Flows;
using LabSite.Sandbox.Netns.Bpf.Abi;
using Xunit;

/// <summary>The codes in bpf/include/labsite_abi.h equal their C# twins (append-only on both sides).</summary>
public class DropReasonAbiTests
{
    private static Dictionary<string, int> Defines()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LabSite.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var header = File.ReadAllText(Path.Combine(dir!.FullName, "bpf", "include", "labsite_abi.h"));
        return Regex.Matches(header, @"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => Convert.ToInt32(m.Groups[2].Value, m.Groups[2].Value.StartsWith("0x", StringComparison.Ordinal) ? 16 : 10));
    }

    [Theory]
    [InlineData("DROP_INVALID_SIP", DropReason.INVALID_SOURCE_IP)]
    [InlineData("DROP_POLICY", DropReason.POLICY_DENIED)]
    [InlineData("DROP_INVALID", DropReason.INVALID_PACKET_DROPPED)]
    [InlineData("DROP_CT_INVALID_HDR", DropReason.CT_TRUNCATED_OR_INVALID_HEADER)]
    [InlineData("DROP_POLICY_DENY", DropReason.POLICY_DENY)]
    public void Drop_reasons_match(string define, DropReason reason) => Assert.Equal((int)reason, Defines()[define]);

    [Fact]
    public void Event_codes_match()
    {
        var d = Defines();
        Assert.Equal(d["EVENT_DROP"], EventCodes.Drop);
        Assert.Equal(d["EVENT_TRACE"], EventCodes.Trace);
        Assert.Equal(d["EVENT_POLICY_VERDICT"], EventCodes.PolicyVerdict);
        Assert.Equal(d["EVENT_VERSION"], EventCodes.Version);
        Assert.Equal(d["TRACE_TO_LXC"], EventCodes.TraceToLxc);
        Assert.Equal(d["TRACE_FROM_LXC"], EventCodes.TraceFromLxc);
        Assert.Equal(d["EV_F_IS_REPLY_KNOWN"], EventCodes.FlagIsReplyKnown);
        Assert.Equal(d["EV_F_IS_REPLY"], EventCodes.FlagIsReply);
        Assert.Equal(d["EP_F_INGRESS_ENFORCED"], (int)EndpointInfoAbi.IngressEnforced);
        Assert.Equal(d["EP_F_EGRESS_ENFORCED"], (int)EndpointInfoAbi.EgressEnforced);
        Assert.Equal(d["POLICY_STATIC_PREFIX"], (int)PolicyKeyAbi.StaticPrefix);
        Assert.Equal(d["POLICY_ENTRY_PREFIX_SHIFT"], PolicyEntryAbi.PrefixShift);
        Assert.Equal(d["IPCACHE_STATIC_PREFIX"], (int)IpcacheKeyAbi.StaticPrefix);
    }

    [Fact]
    public void Match_types_match_the_flow_constants()
    {
        var d = Defines();
        Assert.Equal(d["POLICY_MATCH_L3_ONLY"], (int)PolicyMatchType.L3Only);
        Assert.Equal(d["POLICY_MATCH_L3_L4"], (int)PolicyMatchType.L3L4);
        Assert.Equal(d["POLICY_MATCH_L4_ONLY"], (int)PolicyMatchType.L4Only);
        Assert.Equal(d["POLICY_MATCH_ALL"], (int)PolicyMatchType.All);
        Assert.Equal(d["POLICY_MATCH_L3_PROTO"], (int)PolicyMatchType.L3Proto);
        Assert.Equal(d["POLICY_MATCH_PROTO_ONLY"], (int)PolicyMatchType.ProtoOnly);
    }
}
