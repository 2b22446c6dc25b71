using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class FlowFilterTests
{
    private static Flow F(string src, string dst, Verdict v, uint dport = 80, bool? reply = false) => new()
    {
        Verdict = v,
        IP = new IP { Source = "10.0.0.1", Destination = "10.0.0.2" },
        L4 = new Layer4 { TCP = new TCP(40000, dport, null) },
        Source = new Endpoint { Namespace = "default", PodName = src, Labels = [$"k8s:app={src}"] },
        Destination = new Endpoint { Namespace = "default", PodName = dst, Labels = [$"k8s:app={dst}"] },
        EventType = new CiliumEventType(v == Verdict.DROPPED ? MonitorEventType.Drop : MonitorEventType.Trace),
        IsReply = reply,
    };

    private static readonly Flow s_xwingDrop = F("xwing", "deathstar-1", Verdict.DROPPED);
    private static readonly Flow s_tieForward = F("tiefighter", "deathstar-1", Verdict.FORWARDED);
    private static readonly Flow s_tieToXwing = F("tiefighter", "xwing", Verdict.FORWARDED, 8080);

    [Fact]
    public void Pod_matches_either_side_by_prefix_in_default_namespace()
    {
        var f = new FlowFilterBuilder().Add("pod", "deathstar").Build();
        Assert.True(f.Matches(s_xwingDrop));
        Assert.True(f.Matches(s_tieForward));
        Assert.False(f.Matches(s_tieToXwing));
    }

    [Fact]
    public void Repeated_flag_ors_and_different_flags_and()
    {
        var f = new FlowFilterBuilder().Add("from-pod", "xwing").Add("from-pod", "tiefighter").Add("verdict", "DROPPED").Build();
        Assert.True(f.Matches(s_xwingDrop));
        Assert.False(f.Matches(s_tieForward));
        var g = new FlowFilterBuilder().Add("pod", "deathstar").Add("verdict", "FORWARDED").Build();
        Assert.True(g.Matches(s_tieForward));
        Assert.False(g.Matches(s_xwingDrop));
        Assert.False(g.Matches(s_tieToXwing));
    }

    [Fact]
    public void Not_negates_the_next_flag_only()
    {
        var f = new FlowFilterBuilder().Not().Add("verdict", "DROPPED").Add("to-port", "80").Build();
        Assert.False(f.Matches(s_xwingDrop));
        Assert.True(f.Matches(s_tieForward));
        Assert.False(f.Matches(s_tieToXwing));
    }

    [Fact]
    public void Labels_identity_type_protocol_and_reply()
    {
        Assert.True(new FlowFilterBuilder().Add("from-label", "app=xwing").Build().Matches(s_xwingDrop));
        Assert.True(new FlowFilterBuilder().Add("to-label", "k8s:app=deathstar-1").Build().Matches(s_xwingDrop));
        Assert.False(new FlowFilterBuilder().Add("to-label", "reserved:world").Build().Matches(s_xwingDrop));
        Assert.True(new FlowFilterBuilder().Add("type", "drop").Build().Matches(s_xwingDrop));
        Assert.False(new FlowFilterBuilder().Add("type", "trace:to-endpoint").Build().Matches(s_xwingDrop));
        Assert.True(new FlowFilterBuilder().Add("protocol", "TCP").Build().Matches(s_xwingDrop));
        Assert.False(new FlowFilterBuilder().Add("protocol", "udp").Build().Matches(s_xwingDrop));
        Assert.True(new FlowFilterBuilder().Add("ip", "10.0.0.0/24").Build().Matches(s_xwingDrop));
    }

    [Theory]
    [InlineData("verdict", "LOST", "--verdict: \"LOST\" is not one of FORWARDED, DROPPED")]
    [InlineData("type", "boom", "--type: unknown event type \"boom\"")]
    [InlineData("identity", "abc", "--identity: \"abc\" is not a numeric identity")]
    [InlineData("http-status", "4x", "--http-status: \"4x\" is not a status code")]
    [InlineData("protocol", "quic", "--protocol: unknown protocol \"quic\"")]
    [InlineData("colour", "red", "unknown filter flag --colour")]
    public void Bad_flag_values_are_clear_errors(string flag, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new FlowFilterBuilder().Add(flag, value));
        Assert.Contains(expected, ex.Message);
    }
}
