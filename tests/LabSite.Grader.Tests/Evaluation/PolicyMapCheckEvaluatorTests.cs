using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.PolicyMap;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class PolicyMapCheckEvaluatorTests
{
    private static readonly PodSelector s_deathstars = PodSelector.ByLabels(new Dictionary<string, string> { ["class"] = "deathstar" });

    private static PolicyMapCheck Check(string peer, PolicyMapExpectation expect, bool? proxy = null) => new(
        "map", "map", StarWarsLab.At, s_deathstars, new PolicyPeer(PodSelector.ByName(peer), null), TrafficDirection.Ingress, 80, PolicyProtocol.Tcp, expect, proxy);

    private static CheckContext Context(InMemoryCluster c) => new(c, StarWarsLab.StepStart, StarWarsLab.StepStart);

    private static InMemoryCluster WithRule1(ushort proxyPort = 0)
    {
        var c = StarWarsLab.Create();
        foreach (ushort ep in new ushort[] { 3, 4 })
        {
            c.PolicyMaps[ep] = new PolicyMapDump(ep, [
                new PolicyMapEntryDump(false, false, 1, 0, 0, 0),
                new PolicyMapEntryDump(false, false, 256, 6, 80, 24, ProxyPort: proxyPort),
                new PolicyMapEntryDump(false, false, 258, 6, 80, 24, ProxyPort: proxyPort),
                new PolicyMapEntryDump(false, true, 0, 0, 0, 0),
            ]);
        }
        return c;
    }

    [Fact]
    public async Task Allows_tiefighter_on_every_replica_naming_the_entry_and_showing_rows()
    {
        var r = await PolicyMapCheckEvaluator.EvaluateAsync(Check("tiefighter", PolicyMapExpectation.Allow, proxy: false), Context(WithRule1()), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Contains("peer default/tiefighter is identity 256", r.Observed);
        Assert.Contains("endpoint 3 (deathstar-54c4d4bdf9-fwhtv): allows via the entry Ingress identity 256 80/TCP (no proxy)", r.Observed);
        Assert.Contains(r.Evidence, l => l.StartsWith("Allow    Ingress     256        80/TCP", StringComparison.Ordinal));
        Assert.DoesNotContain(r.Evidence, l => l.Contains("258", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Xwing_has_no_entry_so_absent_passes_and_allow_fails_with_advice()
    {
        var absent = await PolicyMapCheckEvaluator.EvaluateAsync(Check("xwing", PolicyMapExpectation.Absent), Context(WithRule1()), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, absent.Outcome);
        Assert.Contains("no entry matches (policy enforcement ingress: Enabled)", absent.Observed);
        var allow = await PolicyMapCheckEvaluator.EvaluateAsync(Check("xwing", PolicyMapExpectation.Allow), Context(WithRule1()), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, allow.Outcome);
        Assert.NotNull(allow.Hint);
    }

    [Fact]
    public async Task Proxy_requirement_reads_the_proxy_port()
    {
        var without = await PolicyMapCheckEvaluator.EvaluateAsync(Check("tiefighter", PolicyMapExpectation.Allow, proxy: true), Context(WithRule1()), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, without.Outcome);
        var with = await PolicyMapCheckEvaluator.EvaluateAsync(Check("tiefighter", PolicyMapExpectation.Allow, proxy: true), Context(WithRule1(proxyPort: 15001)), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, with.Outcome);
        Assert.Contains("(proxy port 15001)", with.Observed);
    }

    [Fact]
    public async Task Without_enforcement_the_allow_all_wildcard_allows_but_exact_match_does_not()
    {
        var c = StarWarsLab.Create();
        c.PolicyMaps[3] = new PolicyMapDump(3, [new PolicyMapEntryDump(false, false, 0, 0, 0, 0)]);
        c.PolicyMaps[4] = c.PolicyMaps[3] with { EndpointId = 4 };
        var lookup = await PolicyMapCheckEvaluator.EvaluateAsync(Check("tiefighter", PolicyMapExpectation.Allow), Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, lookup.Outcome);
        Assert.Contains("via the entry Ingress ANY (wildcard identity) ANY", lookup.Observed);
        var exact = await PolicyMapCheckEvaluator.EvaluateAsync(Check("tiefighter", PolicyMapExpectation.Allow) with { Match = PolicyMapMatch.Exact }, Context(c), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, exact.Outcome);
    }

    [Fact]
    public async Task Reserved_peer_and_unknown_pods_are_explained()
    {
        var host = Check("tiefighter", PolicyMapExpectation.Allow) with { Peer = new PolicyPeer(null, "host"), Port = null, Protocol = PolicyProtocol.Any };
        var r = await PolicyMapCheckEvaluator.EvaluateAsync(host, Context(WithRule1()), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Contains("reserved:host is identity 1", r.Observed);

        var missing = Check("tiefighter", PolicyMapExpectation.Allow) with { Endpoint = PodSelector.ByName("mothership") };
        var m = await PolicyMapCheckEvaluator.EvaluateAsync(missing, Context(WithRule1()), CancellationToken.None);
        Assert.Equal(CheckOutcome.Failed, m.Outcome);
        Assert.StartsWith("no pod matches default/mothership (pods in default: deathstar-54c4d4bdf9-fwhtv, deathstar-54c4d4bdf9-h99qf, tiefighter, xwing)", m.Observed);
    }
}
