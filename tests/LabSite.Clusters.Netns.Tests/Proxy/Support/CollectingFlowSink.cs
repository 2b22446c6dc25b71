using System.Collections.Concurrent;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>Keeps every flow the proxy publishes, in order.</summary>
public sealed class CollectingFlowSink : IL7FlowSink
{
    private readonly ConcurrentQueue<Flow> _flows = new();

    public IReadOnlyList<Flow> Flows => [.. _flows];

    public void Publish(Flow flow) => _flows.Enqueue(flow);

    /// <summary>Waits (bounded) until <paramref name="count"/> flows arrived; the response flow is published while the body still streams.</summary>
    public async Task<IReadOnlyList<Flow>> WaitForAsync(int count)
    {
        for (var i = 0; i < 200 && _flows.Count < count; i++)
        {
            await Task.Delay(25);
        }

        return Flows;
    }
}
