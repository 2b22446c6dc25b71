using System.Net;
using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// Puts the L7 proxy's flows into the lab's Hubble ring, with the pod names and labels the datapath's flows carry
/// (the proxy knows only addresses and identities), so <c>hubble observe --pod</c> filters find them. Flows carry
/// <paramref name="nodeName"/>, the node whose proxy saw them (default: the lookup's node, node 1). HTTP flows stay
/// compact in the ring (<see cref="L7HttpFlow"/>) with pod details resolved now and are built when read.
/// </summary>
public sealed class L7FlowRingSink(IEndpointLookup lookup, FlowRing ring, string? nodeName = null) : IL7FlowSink
{
    // One endpoint template (with its label and workload lists) per pod view, shared by all of its flows: the ring
    // keeps ~4k flows alive, so every byte a flow holds is copied by each GC that promotes it. Published flows are
    // never modified, so sharing is safe; a re-registered pod gets a new view and so a new template.
    private readonly ConditionalWeakTable<EndpointView, Endpoint> _pods = new();

    public void Publish(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        Enrich(flow.Source, flow.IP?.Source);
        Enrich(flow.Destination, flow.IP?.Destination);
        flow.NodeName = nodeName ?? lookup.NodeName;
        if (flow.Uuid.Length == 0)
        {
            flow.Uuid = NewUuid().ToString();
        }
        ring.Write(new FlowRecord(flow, flow.NodeName, flow.Time));
    }

    public void Publish(L7HttpFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var node = nodeName ?? lookup.NodeName;
        flow.Name(node, NewUuid(), Template(flow.SourceAddress, flow.SourceIdentity), Template(flow.DestinationAddress, flow.DestinationIdentity));
        ring.Write(new FlowRecord(flow, node));
    }

    private void Enrich(Endpoint? ep, string? address)
    {
        if (ep is null || address is null || !IPAddress.TryParse(address, out var ip))
        {
            return;
        }
        if (lookup.ByAddress(ip) is { } view)
        {
            var template = PodTemplate(view);
            ep.ID = template.ID;
            ep.Namespace = template.Namespace;
            ep.PodName = template.PodName;
            ep.Labels = template.Labels;
            ep.Workloads = template.Workloads;
        }
        else
        {
            ep.Labels = [.. lookup.LabelsOf(ep.Identity)];
        }
    }

    /// <summary>The pod's shared template, or for an address that is no pod of the lab, the identity's labels.</summary>
    private Endpoint Template(IPAddress address, uint identity) => lookup.ByAddress(address) is { } view
        ? PodTemplate(view)
        : new Endpoint { Identity = identity, Labels = [.. lookup.LabelsOf(identity)] };

    private Endpoint PodTemplate(EndpointView view) => _pods.GetValue(
        view, v => new Endpoint { ID = v.Id, Namespace = v.Namespace, PodName = v.PodName, Labels = [.. v.Labels], Workloads = [.. v.Workloads] });

    /// <summary>
    /// A random (version 4) UUID from the shared pseudo-random generator: flow UUIDs need to be unique, not secret,
    /// and <see cref="Guid.NewGuid"/> asks the kernel for random bytes on every call (two flows per proxied request).
    /// </summary>
    private static Guid NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (the high nibble of the little-endian third group)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
