using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>
/// Decodes a policy-verdict event (first packet of a connection at an enforcing endpoint): FORWARDED or DROPPED
/// with the drop reason, direction, match type, proxy port, and the policies that decided it.
/// </summary>
public static class PolicyVerdictDecoder
{
    public static Flow Decode(in PolicyVerdictEventAbi ev, EventEnricher enricher, MonotonicClock clock)
    {
        var flow = enricher.Base(ev.Header, ev.Packet, clock);
        var egress = ev.Direction == 1;
        flow.EventType = new CiliumEventType(MonitorEventType.PolicyVerdict);
        flow.TrafficDirection = egress ? TrafficDirection.EGRESS : TrafficDirection.INGRESS;
        flow.PolicyMatchType = ev.MatchType;
        flow.ProxyPort = ev.ProxyPort;
        flow.Verdict = ev.Allowed != 0 ? (ev.ProxyPort != 0 ? Verdict.REDIRECTED : Verdict.FORWARDED) : Verdict.DROPPED;
        if (ev.AuthType != 0)
        {
            // Hubble's parser appends the auth type to the summary of a verdict whose entry requires authentication.
            flow.AuthType = (AuthType)ev.AuthType;
            flow.Summary += $"; Auth: {flow.AuthType}";
        }
        if (ev.Allowed == 0)
        {
            flow.DropReason = ev.DropReason;
            flow.DropReasonDesc = (DropReason)ev.DropReason;
        }
        var remote = egress ? ev.Packet.DestinationIdentity : ev.Packet.SourceIdentity;
        var policies = enricher.Lookup.PoliciesFor(ev.Header.EndpointId, egress, remote, ev.Packet.Protocol, DropEventDecoder.PolicyPort(ev.Packet));
        var list = (egress, ev.Allowed != 0) switch
        {
            (true, true) => flow.EgressAllowedBy,
            (false, true) => flow.IngressAllowedBy,
            (true, false) => flow.EgressDeniedBy,
            (false, false) => flow.IngressDeniedBy,
        };
        // A default-deny miss (133) matched no entry: no policy to name.
        if (ev.Allowed != 0 || ev.DropReason == (byte)DropReason.POLICY_DENY)
        {
            list.AddRange(policies);
        }
        return flow;
    }
}
