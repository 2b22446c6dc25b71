using System.Net;
using System.Runtime.CompilerServices;
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
    // One label and workload list per pod view, shared by all of its flows instead of two copies per flow: the ring
    // keeps ~4k flows alive, so every byte a flow holds is copied by each GC that promotes it. Published flows are
    // never modified, so sharing is safe; a re-registered pod gets a new view and so new lists.
    private readonly ConditionalWeakTable<EndpointView, SharedLists> _shared = new();

    private sealed record SharedLists(List<string> Labels, List<Workload> Workloads);

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
            var shared = _shared.GetValue(view, v => new SharedLists([.. v.Labels], [.. v.Workloads]));
            ep.Labels = shared.Labels;
            ep.Workloads = shared.Workloads;
        }
        else
        {
            ep.Labels = [.. lookup.LabelsOf(ep.Identity)];
        }
    }
}
