using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Evaluation.PolicyMap;
using FlowEndpoint = LabSite.Clusters.Contract.Flows.Endpoint;

namespace LabSite.Grader.Explain;

/// <summary>
/// "Why was this dropped?" for one dropped flow, from the live cluster through the contract only: the two identities
/// and their labels, the direction and port, the enforcing endpoint's policy-map entries the datapath consulted (with
/// <see cref="PolicyMapLookup"/>'s semantics: a deny entry wins, else the longest port prefix), the applied rules that
/// select that endpoint, and the smallest change that would allow the flow, or why a deny wins over any allow.
/// An L7 drop (the proxy's 403) is explained by the HTTP rules that did not match its method and path.
/// </summary>
public static class DropExplainer
{
    /// <summary>How many nearby policy-map entries a missing allow shows.</summary>
    public const int NearestEntries = 6;

    public static async Task<DropExplanation> ExplainAsync(ILabCluster cluster, Flow flow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(flow);
        if (cluster is not IClusterInspector inspector)
        {
            return DropExplanation.Unknown($"the {cluster.Backend} backend offers no endpoint or policy-map inspection, so the drop cannot be explained");
        }
        if (flow.Verdict != Verdict.DROPPED)
        {
            return DropExplanation.Unknown($"this flow was not dropped (verdict {flow.Verdict})");
        }

        var endpoints = await inspector.GetEndpointsAsync(ct);
        var identities = await inspector.GetIdentitiesAsync(ct);
        var isL7 = flow.Type == FlowType.L7 || flow.L7?.Http is not null;
        var egress = flow.TrafficDirection == TrafficDirection.EGRESS;
        var source = Party(flow.Source, flow.IP?.Source, endpoints, identities);
        var destination = Party(flow.Destination, flow.IP?.Destination, endpoints, identities);
        var (protocol, port, portText) = PortOf(flow);
        var direction = egress ? "egress" : "ingress";
        // Egress is enforced at the source's endpoint, ingress at the destination's; the other side is the peer.
        var (enforcingFlowEndpoint, enforcingIp, peer) = egress ? (flow.Source, flow.IP?.Source, destination) : (flow.Destination, flow.IP?.Destination, source);
        var enforcing = FindEndpoint(enforcingFlowEndpoint, enforcingIp, endpoints);

        if (!isL7 && flow.DropReasonDesc is not (DropReason.POLICY_DENIED or DropReason.POLICY_DENY or DropReason.DROP_REASON_UNKNOWN))
        {
            return new DropExplanation(DropCause.NotPolicy,
                $"the datapath dropped it for {flow.DropReasonDesc}, not because of a policy: no policy change allows it",
                source.Party, destination.Party, direction, portText, enforcing is null ? "no endpoint" : Describe(enforcing));
        }
        if (enforcing is null)
        {
            return new DropExplanation(DropCause.Unknown,
                $"the endpoint that enforced {direction} policy ({(egress ? source : destination).Party.Name}) is gone, so its policy map cannot be read",
                source.Party, destination.Party, direction, portText, "an endpoint that no longer exists");
        }

        var enforcingLabels = PeerLabels.From(enforcing.Namespace, enforcing.Labels, enforcing.Identity);
        var rules = (await AppliedRules.ReadAsync(cluster, ct)).Where(r => r.Selects(enforcingLabels)).ToList();
        var ruleTexts = rules.Select(r => r.ToString()).ToList();
        var peerLabels = PeerLabels.From(peer.Namespace, peer.Party.Labels, peer.Party.Identity);
        var enforcedBy = Describe(enforcing);

        if (isL7)
        {
            return ExplainL7(flow, source.Party, destination.Party, direction, portText, enforcedBy, rules, ruleTexts, peerLabels, egress, protocol, port);
        }

        var map = await inspector.GetPolicyMapAsync(enforcing.Id, ct);
        if (map is null)
        {
            return new DropExplanation(DropCause.Unknown, $"endpoint {enforcing.Id} has no policy map to read",
                source.Party, destination.Party, direction, portText, enforcedBy, [], ruleTexts);
        }
        var packet = new PolicyMapLookup.Packet(peer.Party.Identity, egress, protocol, port);
        var hit = PolicyMapLookup.Lookup(map.Entries, packet);
        IReadOnlyList<string> Rows(IEnumerable<PolicyMapEntryDump> rows) =>
            new PolicyMapDump(enforcing.Id, rows.ToList()).ToText(id => identities.FirstOrDefault(i => i.Id == id)?.Labels ?? []).TrimEnd('\n').Split('\n');

        if (hit is { Deny: true })
        {
            var denying = rules.Where(r => (egress ? r.EgressDeny : r.IngressDeny).Any(d => d.MatchesPeer(peerLabels) && d.Covers(protocol, port))).ToList();
            var by = denying.Count > 0 ? string.Join(" and ", denying.Select(r => $"{r.Kind} {r.Name}'s {direction}Deny")) : $"a {direction}Deny rule";
            return new DropExplanation(DropCause.PolicyDeny,
                $"{by} denies {peer.Party} on {portText}: the endpoint's policy map has a Deny entry for it, and Cilium checks deny entries first, so a deny wins over any allow",
                source.Party, destination.Party, direction, portText, enforcedBy, Rows([hit]), ruleTexts,
                denying.Count > 0
                    ? $"remove or narrow the {direction}Deny of {string.Join(" and ", denying.Select(r => r.Name))}; adding an allow in another rule would not help"
                    : "remove the deny rule; adding an allow would not help, a deny wins");
        }
        if (hit is not null)
        {
            return new DropExplanation(DropCause.NowAllowed,
                $"the policy map of endpoint {enforcing.Id} now allows {peer.Party} on {portText}: the policy changed after this drop, so the same traffic would pass now",
                source.Party, destination.Party, direction, portText, enforcedBy, Rows([hit]), ruleTexts);
        }

        var enforcement = egress ? enforcing.EgressEnforcement : enforcing.IngressEnforcement;
        var nearest = map.Entries.Where(e => e.Egress == egress && !e.Deny)
            .OrderBy(e => e.Identity == peer.Party.Identity ? 0 : PolicyMapLookup.Covers(e, packet with { Identity = e.Identity }) ? 1 : 2)
            .ThenBy(e => e.Identity)
            .Take(NearestEntries)
            .ToList();
        var enforcingRules = rules.Where(r => egress ? r.EnforcesEgress : r.EnforcesIngress).ToList();
        var because = enforcingRules.Count > 0
            ? $"{string.Join(" and ", enforcingRules.Select(r => $"{r.Kind} {r.Name}"))} select{(enforcingRules.Count == 1 ? "s" : "")} {enforcing.PodName} with {direction} rules, so {direction} is default-deny ({enforcement})"
            : $"{direction} policy is enforced on {enforcing.PodName} ({enforcement})";
        var summary = $"{because}, and no entry in its policy map allows {peer.Party} on {portText}: the missing allow";
        return new DropExplanation(DropCause.MissingAllow, summary, source.Party, destination.Party, direction, portText, enforcedBy,
            nearest.Count == 0 ? ["(no allow entry in this direction at all)"] : Rows(nearest), ruleTexts,
            Fix(enforcingRules.FirstOrDefault(), direction, egress, peer, peerLabels, enforcing, protocol, port));
    }

    private static DropExplanation ExplainL7(Flow flow, FlowParty source, FlowParty destination, string direction, string portText, string enforcedBy,
        List<AppliedRule> rules, List<string> ruleTexts, PeerLabels peer, bool egress, byte protocol, ushort port)
    {
        var http = flow.L7?.Http;
        var method = http?.Method ?? "";
        var path = PathOf(http?.Url ?? "");
        var applying = rules
            .SelectMany(r => (egress ? r.Egress : r.Ingress).Where(p => p.MatchesPeer(peer) && p.Covers(protocol, port) && p.Http.Count > 0).Select(p => (Rule: r, Peer: p)))
            .ToList();
        var allowed = applying.SelectMany(a => a.Peer.Http).Distinct().ToList();
        var summary = http is null
            ? "the L7 proxy refused it, but the flow carries no HTTP request to compare with the rules"
            : allowed.Count == 0
                ? $"the L7 proxy refused {method} {path}: no HTTP rule for {source.Name} on {portText} was found in the applied policies (the policy may have changed since)"
                : $"the L7 proxy answered 403: {method} {path} matches none of the HTTP rules that apply to {source.Name} on {portText} ({string.Join("; ", allowed)}); method and path are regular expressions matched against the whole value";
        var fix = applying.FirstOrDefault() is { Rule: var rule } && http is not null
            ? $"add to {rule.ShortName}'s {direction} toPorts {portText} rules.http an entry {{method: \"{method}\", path: \"{System.Text.RegularExpressions.Regex.Escape(path)}\"}}"
            : "";
        return new DropExplanation(DropCause.L7Denied, summary, source, destination, direction, portText, enforcedBy + " (through the L7 proxy)",
            allowed.Select(a => $"allowed by an HTTP rule: {a}").ToList(), ruleTexts, fix);
    }

    private static string Fix(AppliedRule? rule, string direction, bool egress, Side peer, PeerLabels peerLabels, EndpointModel enforcing,
        byte protocol, ushort port)
    {
        var ports = protocol == 0 ? "" : port == 0 ? $" on {ProtocolName(protocol)}" : $" on {ProtocolName(protocol)}/{port.ToString(CultureInfo.InvariantCulture)}";
        if (Entities.For(peer.Party.Identity) is { } entity)
        {
            var key = egress ? "toEntities" : "fromEntities";
            return rule is null
                ? $"a rule selecting {enforcing.PodName} with {direction} {key}: [{entity}]{ports}"
                : $"add to {rule.ShortName}'s {direction} a rule with {key}: [{entity}]{ports}";
        }
        var labels = SelectorFor(peerLabels, enforcing.Namespace);
        var peersKey = egress ? "toEndpoints" : "fromEndpoints";
        return rule is null
            ? $"a rule selecting {enforcing.PodName} with {direction} {peersKey} a selector matching {labels}{ports}"
            : $"add to {rule.ShortName}'s {direction} {peersKey} a selector matching {labels}{ports}";
    }

    /// <summary>
    /// The peer's own labels (not Kubernetes' or Cilium's <c>io.*</c> ones; unprefixed keys first, as authors write
    /// them), plus its namespace when it lives elsewhere.
    /// </summary>
    private static string SelectorFor(PeerLabels peer, string enforcingNamespace)
    {
        var own = peer.Labels.Where(l => !l.Key.StartsWith("io.", StringComparison.Ordinal) && l.Key.Length > 0).ToList();
        var plain = own.Where(l => !l.Key.Contains('/', StringComparison.Ordinal)).ToList();
        var chosen = (plain.Count > 0 ? plain : own).OrderBy(l => l.Key == "org" ? 0 : 1).ThenBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}={l.Value}").ToList();
        if (peer.Namespace.Length > 0 && peer.Namespace != enforcingNamespace)
        {
            chosen.Add($"k8s:io.kubernetes.pod.namespace={peer.Namespace}");
        }
        return chosen.Count == 0 ? "the peer (it has no labels of its own: give it one)" : string.Join(",", chosen);
    }

    private sealed record Side(FlowParty Party, string Namespace);

    private static Side Party(FlowEndpoint? e, string? ip, IReadOnlyList<EndpointModel> endpoints, IReadOnlyList<IdentityModel> identities)
    {
        var identity = e?.Identity ?? 0;
        var endpoint = FindEndpoint(e, ip, endpoints);
        if (identity == 0 && endpoint is not null)
        {
            identity = endpoint.Identity;
        }
        // The identity's labels are what policy matched; a flow's own copy may be partial.
        var labels = identities.FirstOrDefault(i => i.Id == identity)?.Labels.ToList()
            ?? (e is { Labels.Count: > 0 } ? e.Labels : endpoint?.Labels.ToList() ?? []);
        var ns = e is { Namespace.Length: > 0 } ? e.Namespace : endpoint?.Namespace ?? "";
        var pod = e is { PodName.Length: > 0 } ? e.PodName : endpoint?.PodName ?? "";
        var name = pod.Length > 0 ? $"{ns}/{pod}"
            : new NumericIdentity(identity).ReservedName is { } reserved ? $"reserved:{reserved}"
            : ip is { Length: > 0 } ? ip : "an unknown peer";
        if (labels.Count == 0 && new NumericIdentity(identity).ReservedName is { } r)
        {
            labels = [$"reserved:{r}"];
        }
        return new Side(new FlowParty(name, identity, labels.Order(StringComparer.Ordinal).ToList()), ns);
    }

    private static EndpointModel? FindEndpoint(FlowEndpoint? e, string? ip, IReadOnlyList<EndpointModel> endpoints) =>
        (e is { ID: > 0 } ? endpoints.FirstOrDefault(m => m.Id == e.ID) : null)
        ?? (e is { PodName.Length: > 0 } ? endpoints.FirstOrDefault(m => m.PodName == e.PodName && m.Namespace == e.Namespace) : null)
        ?? (ip is { Length: > 0 } ? endpoints.FirstOrDefault(m => m.IPv4 == ip || m.IPv6 == ip) : null);

    private static string Describe(EndpointModel e) =>
        $"endpoint {e.Id.ToString(CultureInfo.InvariantCulture)} ({(e.Namespace.Length > 0 ? e.Namespace + "/" : "")}{e.PodName})";

    private static (byte Protocol, ushort Port, string Text) PortOf(Flow flow) => flow.L4 switch
    {
        { TCP: { } t } => (6, (ushort)t.DestinationPort, $"TCP/{t.DestinationPort.ToString(CultureInfo.InvariantCulture)}"),
        { UDP: { } u } => (17, (ushort)u.DestinationPort, $"UDP/{u.DestinationPort.ToString(CultureInfo.InvariantCulture)}"),
        { SCTP: { } s } => (132, (ushort)s.DestinationPort, $"SCTP/{s.DestinationPort.ToString(CultureInfo.InvariantCulture)}"),
        { ICMPv4: not null } => (1, 0, "ICMP"),
        { ICMPv6: not null } => (58, 0, "ICMPv6"),
        _ => (0, 0, "any protocol"),
    };

    private static string ProtocolName(byte protocol) => protocol switch
    {
        6 => "TCP",
        17 => "UDP",
        132 => "SCTP",
        1 => "ICMP",
        58 => "ICMPv6",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The path of Hubble's <c>http://host/path?query</c> URL (the proxy matches the path only).</summary>
    private static string PathOf(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return uri.AbsolutePath;
        }
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q];
    }
}
