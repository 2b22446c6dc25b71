using System.Globalization;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.PolicyMap;

/// <summary>
/// Evaluates a policy-map check: resolves the endpoint pods to endpoint ids and the peer to an identity, reads each
/// endpoint's policy map and looks the peer's traffic up with Cilium's semantics (<see cref="PolicyMapLookup"/>).
/// Passes only if every selected endpoint agrees. Evidence: the rows for the peer and for ANY, as
/// <c>cilium-dbg bpf policy get -n</c> prints them.
/// </summary>
public static class PolicyMapCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(PolicyMapCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var traffic = Describe(check);
        var expected = check.Expect switch
        {
            PolicyMapExpectation.Allow => $"the policy map of {check.Endpoint} allows {traffic}" + check.Proxy switch
            {
                true => ", redirected to the L7 proxy",
                false => ", without an L7 proxy",
                _ => "",
            },
            PolicyMapExpectation.Deny => $"the policy map of {check.Endpoint} denies {traffic}",
            _ => $"the policy map of {check.Endpoint} has no entry for {traffic}",
        };
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }

        var endpoints = await PodResolver.EndpointsAsync(inspector, check.Endpoint, ct);
        if (endpoints.Count == 0)
        {
            return Fail(check, expected, await PodResolver.NoneMatchAsync(context.Cluster, check.Endpoint, ct) + ", so there is no endpoint whose map could be read", [],
                "Create the pods first (kubectl get pods shows what runs).");
        }

        var peer = await PeerIdentityAsync(check.Peer, inspector, ct);
        if (peer.Error is { } peerError)
        {
            return Fail(check, expected, peerError, [], "Create the peer pods first.");
        }

        var packet = new PolicyMapLookup.Packet(peer.Identity, check.Direction == TrafficDirection.Egress, ProtocolNumber(check.Protocol), (ushort)(check.Port ?? 0));
        var evidence = new List<string>();
        var failures = new List<string>();
        var matches = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var map = await inspector.GetPolicyMapAsync(endpoint.Id, ct);
            if (map is null)
            {
                failures.Add($"endpoint {endpoint.Id} ({endpoint.PodName}) has no policy map");
                continue;
            }
            var relevant = map.Entries.Where(e => e.Egress == packet.Egress && (e.Identity == peer.Identity || e.Identity == 0)).ToList();
            evidence.Add($"endpoint {endpoint.Id} ({endpoint.PodName}):");
            evidence.AddRange(new PolicyMapDump(endpoint.Id, relevant).ToText().TrimEnd('\n').Split('\n'));

            var hit = check.Match == PolicyMapMatch.Exact ? PolicyMapLookup.Exact(map.Entries, packet) : PolicyMapLookup.Lookup(map.Entries, packet);
            var seen = Seen(endpoint, hit, check.Direction);
            var ok = check.Expect switch
            {
                PolicyMapExpectation.Allow => hit is { Deny: false } && check.Proxy switch
                {
                    true => hit.ProxyPort != 0,
                    false => hit.ProxyPort == 0,
                    _ => true,
                },
                PolicyMapExpectation.Deny => hit is { Deny: true },
                _ => hit is null,
            };
            (ok ? matches : failures).Add(seen);
        }

        var peerText = $"peer {check.Peer} is identity {peer.Identity.ToString(CultureInfo.InvariantCulture)}";
        if (failures.Count == 0)
        {
            return new CheckResult(check.Id, check.Title, CheckOutcome.Passed, expected, $"{peerText}; {string.Join("; ", matches)}", evidence);
        }
        return Fail(check, expected, $"{peerText}; {string.Join("; ", failures)}", evidence,
            "Compare the policy you applied with the rows below (`cilium-dbg bpf policy get <endpoint id>`); check its endpointSelector, peers, ports and direction.");
    }

    private static CheckResult Fail(PolicyMapCheck check, string expected, string observed, IReadOnlyList<string> evidence, string advice) =>
        new(check.Id, check.Title, CheckOutcome.Failed, expected, observed, evidence, check.OnFail ?? advice);

    private static string Seen(EndpointModel endpoint, PolicyMapEntryDump? hit, TrafficDirection direction)
    {
        var who = $"endpoint {endpoint.Id} ({endpoint.PodName})";
        if (hit is null)
        {
            var enforcement = direction == TrafficDirection.Egress ? endpoint.EgressEnforcement : endpoint.IngressEnforcement;
            return $"{who}: no entry matches (policy enforcement {direction.ToString().ToLowerInvariant()}: {enforcement})";
        }
        var verdict = hit.Deny ? "denies" : "allows";
        var peer = hit.Identity == 0 ? "ANY (wildcard identity)" : $"identity {hit.Identity.ToString(CultureInfo.InvariantCulture)}";
        var proxy = hit.ProxyPort == 0 ? "no proxy" : $"proxy port {hit.ProxyPort.ToString(CultureInfo.InvariantCulture)}";
        return $"{who}: {verdict} via the entry {(hit.Egress ? "Egress" : "Ingress")} {peer} {hit.PortProto()} ({proxy})";
    }

    private static string Describe(PolicyMapCheck check)
    {
        var direction = check.Direction == TrafficDirection.Ingress ? "from" : "to";
        var port = check.Port is { } p
            ? $"{p.ToString(CultureInfo.InvariantCulture)}/{check.Protocol.ToString().ToUpperInvariant()}"
            : check.Protocol == PolicyProtocol.Any ? "any port" : $"any {check.Protocol.ToString().ToUpperInvariant()} port";
        return $"{check.Direction.ToString().ToLowerInvariant()} traffic {direction} {check.Peer} on {port}";
    }

    internal static byte ProtocolNumber(PolicyProtocol protocol) => protocol switch
    {
        PolicyProtocol.Tcp => 6,
        PolicyProtocol.Udp => 17,
        PolicyProtocol.Sctp => 132,
        PolicyProtocol.Icmp => 1,
        _ => 0,
    };

    private sealed record PeerIdentity(uint Identity, string? Error);

    private static async Task<PeerIdentity> PeerIdentityAsync(PolicyPeer peer, LabSite.Clusters.Contract.IClusterInspector inspector, CancellationToken ct)
    {
        if (peer.Reserved is { } name)
        {
            return ReservedIdentityNames.Number(name) is { } id
                ? new PeerIdentity(id, null)
                : new PeerIdentity(0, $"\"{name}\" is not a reserved identity ({string.Join(", ", ReservedIdentityNames.All)})");
        }
        var selector = peer.Pods!;
        var endpoints = await PodResolver.EndpointsAsync(inspector, selector, ct);
        var identities = endpoints.Select(e => e.Identity).Distinct().ToList();
        return identities.Count switch
        {
            0 => new PeerIdentity(0, $"no endpoint matches the peer {selector}"),
            1 => new PeerIdentity(identities[0], null),
            _ => new PeerIdentity(0, $"the peer {selector} has several identities ({string.Join(", ", identities)}); select pods with one set of labels"),
        };
    }
}
