using System.Collections.Concurrent;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// The lab's L7 flow sinks, one per node name, all into the lab's ring: a node's listeners publish through
/// <see cref="For"/>; a publisher that serves pods of every node (the DNS proxy) names each flow's node itself and
/// publishes here, which keeps that name (an unnamed flow gets the lookup's node, node 1).
/// </summary>
public sealed class NodeFlowSinks(IEndpointLookup lookup, FlowRing ring) : IL7FlowSink
{
    private readonly ConcurrentDictionary<string, L7FlowRingSink> _sinks = new(StringComparer.Ordinal);

    /// <summary>The sink whose flows carry <paramref name="nodeName"/>.</summary>
    public IL7FlowSink For(string nodeName) => _sinks.GetOrAdd(nodeName, n => new L7FlowRingSink(lookup, ring, n));

    public void Publish(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        For(flow.NodeName is { Length: > 0 } node ? node : lookup.NodeName).Publish(flow);
    }
}
