using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// Puts the L7 proxy's flows into the lab's Hubble ring, with the pod names and labels the datapath's flows carry
/// (the proxy knows only addresses and identities), so <c>hubble observe --pod</c> filters find them. Flows carry
/// <paramref name="nodeName"/>, the node whose proxy saw them (default: the lookup's node, node 1).
/// </summary>
public sealed class L7FlowRingSink(IEndpointLookup lookup, FlowRing ring, string? nodeName = null) : IL7FlowSink
{
    public void Publish(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        Enrich(flow.Source, flow.IP?.Source);
        Enrich(flow.Destination, flow.IP?.Destination);
        flow.NodeName = nodeName ?? lookup.NodeName;
        if (flow.Uuid.Length == 0)
        {
            flow.Uuid = Guid.NewGuid().ToString();
        }
        ring.Write(new FlowRecord(flow, flow.NodeName, flow.Time));
    }

    private void Enrich(Endpoint? ep, string? address)
    {
        if (ep is null || address is null || !IPAddress.TryParse(address, out var ip))
        {
            return;
        }
        if (lookup.ByAddress(ip) is { } view)
        {
            ep.ID = view.Id;
            ep.Namespace = view.Namespace;
            ep.PodName = view.PodName;
            ep.Labels = [.. view.Labels];
            ep.Workloads = [.. view.Workloads];
        }
        else
        {
            ep.Labels = [.. lookup.LabelsOf(ep.Identity)];
        }
    }
}
