using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using Xunit;

namespace LabSite.Testing;

/// <summary>
/// Waiting for flows in privileged tests: the datapath reports through a ring buffer the agent drains, so a flow shows
/// a moment after the packet. Polls for up to 5 s.
/// </summary>
public static class FlowWaits
{
    /// <summary>
    /// The flows matching <paramref name="filter"/> once at least <paramref name="atLeast"/> of them (those passing
    /// <paramref name="match"/>, when given) are there, or whatever matched after 5 s: the caller asserts.
    /// </summary>
    public static async Task<IReadOnlyList<FlowRecord>> WaitForFlowsAsync(
        this IClusterInspector cluster, FlowFilterSet filter, int atLeast = 1, Func<FlowRecord, bool>? match = null)
    {
        IReadOnlyList<FlowRecord> flows = [];
        for (var i = 0; i < 50; i++)
        {
            flows = await cluster.GetFlowsAsync(new FlowQuery(filter, All: true), CancellationToken.None);
            if (flows.Count(r => match?.Invoke(r) ?? true) >= atLeast)
            {
                return flows;
            }
            await Task.Delay(100);
        }
        return flows;
    }

    /// <summary>As <see cref="WaitForFlowsAsync"/>, but a test fails when none matched, listing every flow the lab has.</summary>
    public static async Task<IReadOnlyList<FlowRecord>> RequireFlowsAsync(this IClusterInspector cluster, FlowFilterSet filter)
    {
        var flows = await cluster.WaitForFlowsAsync(filter);
        if (flows.Count == 0)
        {
            var all = await cluster.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, All: true), CancellationToken.None);
            Assert.Fail("no flow matched; flows:\n" + string.Join("\n", all.Select(r => FlowPrinter.Compact(r).TrimEnd())));
        }
        return flows;
    }
}
