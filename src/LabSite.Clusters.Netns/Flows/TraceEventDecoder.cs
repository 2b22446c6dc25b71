using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>Decodes a trace event: verdict FORWARDED, observation point, conntrack reason, is_reply, direction.</summary>
public static class TraceEventDecoder
{
    public static Flow Decode(in TraceEventAbi ev, EventEnricher enricher, MonotonicClock clock)
    {
        var flow = enricher.Base(ev.Header, ev.Packet, clock);
        var point = ev.Header.Subtype;
        flow.Verdict = Verdict.FORWARDED;
        flow.EventType = new CiliumEventType(MonitorEventType.Trace, point);
        // The datapath numbers to-endpoint 0; the proto enum calls it TO_ENDPOINT = 101.
        flow.TraceObservationPoint = point == EventCodes.TraceToLxc ? TraceObservationPoint.TO_ENDPOINT : (TraceObservationPoint)point;
        flow.TraceReason = (TraceReason)ev.Reason;
        flow.IsReply = EventEnricher.IsReply(ev.Header);
        // Into a pod is ingress, out of it (or of its node, to-overlay, to-crypto) egress; a reply belongs to the connection's original direction.
        var egress = point is EventCodes.TraceFromLxc or EventCodes.TraceToOverlay or EventCodes.TraceToCrypto;
        if (flow.IsReply == true)
        {
            egress = !egress;
        }
        flow.TrafficDirection = egress ? TrafficDirection.EGRESS : TrafficDirection.INGRESS;
        return flow;
    }
}
