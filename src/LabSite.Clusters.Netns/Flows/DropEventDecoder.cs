using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>Decodes a drop event: verdict DROPPED, the reason (number and enum), direction for policy drops.</summary>
public static class DropEventDecoder
{
    public static Flow Decode(in DropEventAbi ev, EventEnricher enricher, MonotonicClock clock)
    {
        var flow = enricher.Base(ev.Header, ev.Packet, clock);
        var reason = ev.Header.Subtype;
        flow.Verdict = Verdict.DROPPED;
        flow.DropReason = reason;
        flow.DropReasonDesc = Enum.IsDefined((DropReason)reason) ? (DropReason)reason : DropReason.DROP_REASON_UNKNOWN;
        flow.EventType = new CiliumEventType(MonitorEventType.Drop, reason);
        // Drops rarely know whether the packet was a reply; Hubble then prints "<>".
        flow.IsReply = EventEnricher.IsReply(ev.Header);
        if (ev.Direction != EventCodes.NoDirection)
        {
            var egress = ev.Direction == 1;
            flow.TrafficDirection = egress ? TrafficDirection.EGRESS : TrafficDirection.INGRESS;
            var remote = egress ? ev.Packet.DestinationIdentity : ev.Packet.SourceIdentity;
            var denied = enricher.Lookup.PoliciesFor(ev.Header.EndpointId, egress, remote, ev.Packet.Protocol, PolicyPort(ev.Packet));
            if (reason == (byte)DropReason.POLICY_DENY)
            {
                (egress ? flow.EgressDeniedBy : flow.IngressDeniedBy).AddRange(denied);
            }
        }
        return flow;
    }

    /// <summary>The port a policy key matched: the destination port, or the ICMP type.</summary>
    internal static ushort PolicyPort(in EventPacketAbi pkt) =>
        pkt.Protocol == 1 ? pkt.IcmpType : (ushort)NetworkOrder.ToPort(pkt.DportNetworkOrder);
}
