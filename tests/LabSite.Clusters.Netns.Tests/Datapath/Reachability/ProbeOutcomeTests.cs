namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>Which observations satisfy which expectation: a drop reason is checked only when the cell names one.</summary>
public class ProbeOutcomeTests
{
    private static readonly ProbeCell s_allow = new("a/x", "a/y", 80, ProbeProtocol.TCP, true, null, 1);

    [Theory]
    [InlineData(ProbeResult.Allowed, 0u, true, false, false, false)]
    [InlineData(ProbeResult.Dropped, 133u, false, true, true, false)]
    [InlineData(ProbeResult.Dropped, 181u, false, true, false, true)]
    [InlineData(ProbeResult.TimedOut, 0u, false, true, false, false)]
    [InlineData(ProbeResult.Failed, 0u, false, false, false, false)]
    public void Satisfies(ProbeResult result, uint reason, bool allow, bool deny, bool deny133, bool deny181)
    {
        var outcome = new ProbeOutcome(result, reason);
        Assert.Equal(
            (allow, deny, deny133, deny181),
            (outcome.Satisfies(s_allow), outcome.Satisfies(s_allow with { Allow = false }),
             outcome.Satisfies(s_allow with { Allow = false, DropReason = 133 }), outcome.Satisfies(s_allow with { Allow = false, DropReason = 181 })));
    }

    [Fact]
    public void Observations_print_as_the_spec_writes_them()
    {
        Assert.Equal(
            ["allow", "deny 181", "deny (no reply and no drop event)", "error (ConnectionRefused)"],
            new[] { ProbeOutcome.Allowed, new(ProbeResult.Dropped, 181), new(ProbeResult.TimedOut), new(ProbeResult.Failed, Detail: "ConnectionRefused") }.Select(o => o.ToString()));
    }
}
