using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>
/// Compiles the rules selecting one endpoint into its policy map entries (Cilium's MapState), following FORMATS §4–5
/// (toFQDNs peers select the CIDR identities of the addresses <paramref name="fqdnNames"/> holds for the names they
/// match, and <c>rules.dns</c> of egress allows become the endpoint's <see cref="EndpointPolicy.Dns"/>):
/// 1. a direction no selecting rule puts into default-deny gets an allow-all entry (identity 0, ANY);
/// 2. ingress from the host is always allowed (Cilium's allow-localhost default);
/// 3. each peer rule adds one entry per selected identity × port pattern (no peers + ports = identity 0, L4-only);
/// 4. entries with the same key merge, deny winning; an allow covered by a deny of the same identity becomes a
///    deny, because the LPM trie returns the longest match and would otherwise hide the broader deny;
/// 5. ports with HTTP rules get the L7 proxy port of their direction (<paramref name="ingressProxyPort"/> or
///    <paramref name="egressProxyPort"/>) on their entries, and
///    <see cref="EndpointPolicy.L7Ports"/> collects, per redirected port, the HTTP rules of every allow covering it.
/// </summary>
internal sealed class EndpointCompiler(
    SelectorCache selectors,
    IReadOnlyDictionary<NumericIdentity, IPNetwork> cidrIdentities,
    IReadOnlyDictionary<NumericIdentity, IReadOnlyList<NamedPort>> namedPortsByIdentity,
    string cluster,
    PolicyEnforcementMode mode,
    ushort ingressProxyPort,
    ushort egressProxyPort,
    IReadOnlyDictionary<string, IReadOnlyList<IPAddress>>? fqdnNames = null,
    bool defaultLocalCluster = false)
{
    /// <summary>
    /// Non-zero so a redirect wins over a plain allow of the other lookup (policy.h precedence rule 2): once a port
    /// is proxied, plain allows on it become allow-all HTTP rule sets, as Cilium's L7 wildcarding does.
    /// </summary>
    public const byte ProxyPortPriority = 1;

    // Allows of one direction: peers (Unknown = any), the port pattern, and HTTP rules (null = plain L3/L4 allow).
    private readonly List<(TrafficDirection Dir, SortedSet<NumericIdentity> Peers, L4Protocol Proto, ushort Port, byte Prefix, IReadOnlyList<HttpRule>? Http)> _allows = [];

    private static readonly IPNetwork s_world4 = IPNetwork.Parse("0.0.0.0/0");
    private static readonly L4Protocol[] s_anyWithPorts = [L4Protocol.TCP, L4Protocol.UDP, L4Protocol.SCTP];

    /// <summary>Selectors the last compile used (for incremental recompute).</summary>
    public HashSet<EndpointSelector> UsedSelectors { get; } = [];

    /// <summary>True when the last compile used a CIDR rule (new CIDR identities may change it).</summary>
    public bool UsedCidrs { get; private set; }

    /// <summary>True when the last compile used a toFQDNs peer (new DNS answers may change it).</summary>
    public bool UsedFqdns { get; private set; }

    private readonly List<Fqdn.FqdnSelector> _dnsRules = [];
    private bool _dnsPolicied;

    public EndpointPolicy Compile(EndpointInfo ep, NumericIdentity identity, IReadOnlyList<PolicyRule> rules)
    {
        var entries = new Dictionary<PolicyKey, (PolicyVerdict Verdict, SortedSet<PolicySource> From)>();
        var enforced = new bool[2];
        foreach (var dir in new[] { TrafficDirection.Ingress, TrafficDirection.Egress })
        {
            enforced[(int)dir] = mode switch
            {
                PolicyEnforcementMode.Always => true,
                PolicyEnforcementMode.Never => false,
                _ => rules.Any(r => r.EnforcesDefaultDeny(dir)),
            };
            if (!enforced[(int)dir])
            {
                Add(entries, PolicyKey.Any(NumericIdentity.Unknown, dir), PolicyVerdict.Allow, null);
            }
            if (mode == PolicyEnforcementMode.Never)
            {
                continue;
            }
            if (dir == TrafficDirection.Ingress)
            {
                Add(entries, PolicyKey.Any(NumericIdentity.Host, dir), PolicyVerdict.Allow, null);
            }
            foreach (var rule in rules)
            {
                foreach (var deny in new[] { false, true })
                {
                    foreach (var peer in rule.Peers(dir, deny))
                    {
                        AddPeer(entries, ep, dir, deny, peer, rule.Source);
                    }
                }
            }
        }
        PropagateDenies(entries);
        PropagateAuth(entries);
        var l7 = L7Ports(entries.Where(e => e.Value.Verdict.ProxyPort != 0).Select(e => (e.Key.Direction, e.Key.Port)));
        var list = entries
            .OrderBy(e => e.Value.Verdict.Deny ? 0 : 1)
            .ThenBy(e => e.Key)
            .Select(e => new PolicyMapEntry(e.Key, e.Value.Verdict, e.Value.From.ToList()))
            .ToList();
        // DNS rules only matter where egress is enforced: elsewhere every query is allowed and not proxied.
        var dns = _dnsPolicied && enforced[(int)TrafficDirection.Egress] ? new Fqdn.DnsRuleSet(_dnsRules) : null;
        return new EndpointPolicy(ep.Id, identity, enforced[0], enforced[1], list, l7, dns);
    }

    private Dictionary<(TrafficDirection, ushort), L7PortPolicy> L7Ports(IEnumerable<(TrafficDirection, ushort)> redirected)
    {
        var result = new Dictionary<(TrafficDirection, ushort), L7PortPolicy>();
        foreach (var (dir, port) in redirected.Distinct())
        {
            var target = new PolicyKey(NumericIdentity.Unknown, dir, L4Protocol.TCP, port, 24);
            var sets = _allows
                .Where(a => a.Dir == dir && new PolicyKey(NumericIdentity.Unknown, dir, a.Proto, a.Port, a.Prefix).Covers(target))
                .Select(a => new L7RuleSet(
                    a.Http ?? [HttpRule.Any],
                    a.Peers.Contains(NumericIdentity.Unknown) ? new HashSet<NumericIdentity>() : a.Peers.ToHashSet()))
                .ToList();
            result[(dir, port)] = new L7PortPolicy(sets);
        }
        return result;
    }

    private void AddPeer(
        Dictionary<PolicyKey, (PolicyVerdict, SortedSet<PolicySource>)> entries,
        EndpointInfo ep, TrafficDirection dir, bool deny, PeerRule peer, PolicySource source)
    {
        // `{}` names neither peers nor ports: it only switches default-deny on.
        if (!peer.HasPeers && !peer.HasL4)
        {
            return;
        }
        var identities = peer.HasPeers ? PeerIdentities(peer) : [NumericIdentity.Unknown];
        // An egress named port means that name on the destination, so it resolves per peer identity (Cilium's
        // NamedPortMultiMap.GetNamedPorts): one rule may open 80 towards one pod and 8080 towards another.
        var perPeer = dir == TrafficDirection.Egress && (peer.ToPorts ?? []).Any(r => r.Ports.Any(p => p.NamedPort is not null));
        foreach (var group in perPeer ? identities.Select(id => new SortedSet<NumericIdentity> { id }) : [identities])
        {
            foreach (var (proto, port, prefix, http) in PortPatterns(peer, ep, dir, perPeer ? group.Min : NumericIdentity.Unknown))
            {
                var verdict = deny ? PolicyVerdict.DenyAll
                    : http is null ? PolicyVerdict.Allow with { AuthType = (byte)peer.Auth }
                    : new PolicyVerdict(false, dir == TrafficDirection.Ingress ? ingressProxyPort : egressProxyPort, ProxyPortPriority, (byte)peer.Auth);
                foreach (var id in group)
                {
                    Add(entries, new PolicyKey(id, dir, proto, port, prefix), verdict, source);
                }
                if (!deny)
                {
                    _allows.Add((dir, group, proto, port, prefix, http));
                }
            }
        }
        if (!deny && dir == TrafficDirection.Egress)
        {
            foreach (var portRule in (peer.ToPorts ?? []).Where(r => r.Dns is not null))
            {
                _dnsPolicied = true;
                _dnsRules.AddRange(portRule.Dns!);
            }
        }
    }

    /// <summary>
    /// In a mesh, an endpoint selector that names no cluster selects the local cluster only (Cilium's
    /// policy-default-local-cluster); the wildcard and selectors of reserved identities stay as written.
    /// </summary>
    private EndpointSelector LocalClusterUnlessNamed(EndpointSelector sel) =>
        !defaultLocalCluster || sel.IsWildcard || sel.HasKey(Identity.Label.ClusterKey) || sel.HasSource(Identity.Label.SourceReserved)
            ? sel
            : sel.With(new SelectorRequirement(Identity.Label.SourceK8s, Identity.Label.ClusterKey, SelectorOperator.In, [cluster]));

    private SortedSet<NumericIdentity> PeerIdentities(PeerRule peer)
    {
        var ids = new SortedSet<NumericIdentity>();
        foreach (var sel in (peer.Endpoints ?? []).Select(LocalClusterUnlessNamed).Concat((peer.Entities ?? []).SelectMany(e => e.Selectors(cluster))))
        {
            // The wildcard selector (entity all, KNP's empty from) is identity 0 in the map, as in Cilium.
            if (sel.IsWildcard)
            {
                ids.Add(NumericIdentity.Unknown);
                continue;
            }
            UsedSelectors.Add(sel);
            ids.UnionWith(selectors.Select(sel));
        }
        foreach (var cidr in peer.Cidrs ?? [])
        {
            UsedCidrs = true;
            ids.UnionWith(cidrIdentities.Where(kv => cidr.Selects(kv.Value)).Select(kv => kv.Key));
            // 0.0.0.0/0 is the world identity in the ipcache.
            if (cidr.Selects(s_world4))
            {
                ids.Add(NumericIdentity.World);
            }
        }
        if (peer.Fqdns is { } fqdns)
        {
            // Cilium selects the addresses DNS answers gave for matching names, each as a /32 CIDR identity.
            UsedFqdns = true;
            UsedCidrs = true;
            var byPrefix = cidrIdentities.ToDictionary(kv => kv.Value, kv => kv.Key);
            foreach (var (name, ips) in fqdnNames ?? new Dictionary<string, IReadOnlyList<IPAddress>>())
            {
                if (!fqdns.Any(s => s.Matches(name)))
                {
                    continue;
                }
                foreach (var ip in ips)
                {
                    if (byPrefix.TryGetValue(new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), out var id))
                    {
                        ids.Add(id);
                    }
                }
            }
        }
        return ids;
    }

    /// <summary>Port patterns of a peer rule; <paramref name="peerIdentity"/> is the destination egress named ports resolve on.</summary>
    private IEnumerable<(L4Protocol, ushort, byte, IReadOnlyList<HttpRule>?)> PortPatterns(PeerRule peer, EndpointInfo ep, TrafficDirection dir, NumericIdentity peerIdentity)
    {
        if (!peer.HasL4)
        {
            yield return (L4Protocol.Any, 0, 0, null);
            yield break;
        }
        foreach (var icmp in peer.Icmps ?? [])
        {
            yield return (icmp.IPv6 ? L4Protocol.ICMPv6 : L4Protocol.ICMP, icmp.Type, 24, null);
        }
        foreach (var portRule in peer.ToPorts ?? [])
        {
            if (portRule.Ports.Count == 0)
            {
                yield return (L4Protocol.Any, 0, 0, null);
            }
            foreach (var pp in portRule.Ports)
            {
                // HTTP runs on TCP: a port with HTTP rules and protocol ANY redirects only its TCP entry.
                var port = portRule.Http is null || pp.Protocol != L4Protocol.Any ? pp : pp with { Protocol = L4Protocol.TCP };
                foreach (var (proto, number, prefix) in Patterns(port, ep, dir, peerIdentity))
                {
                    yield return (proto, number, prefix, portRule.Http);
                }
            }
        }
    }

    private IEnumerable<(L4Protocol, ushort, byte)> Patterns(PortProtocol pp, EndpointInfo ep, TrafficDirection dir, NumericIdentity peerIdentity)
    {
        if (pp.NamedPort is { } name)
        {
            // Ingress resolves the name on this endpoint's containers, egress on the destination's (an L4-only egress
            // rule, peer identity 0, on every pod's). An unresolved name allows nothing, as in Cilium.
            var candidates = dir == TrafficDirection.Ingress ? ep.NamedPorts
                : peerIdentity == NumericIdentity.Unknown ? namedPortsByIdentity.Values.SelectMany(n => n)
                : namedPortsByIdentity.GetValueOrDefault(peerIdentity, []);
            foreach (var np in candidates.Where(n => n.Name == name && (pp.Protocol == L4Protocol.Any || n.Protocol == pp.Protocol)).Distinct())
            {
                yield return (np.Protocol, np.Port, 24);
            }
            yield break;
        }
        if (pp.Port == 0)
        {
            yield return pp.Protocol == L4Protocol.Any ? (L4Protocol.Any, (ushort)0, (byte)0) : (pp.Protocol, (ushort)0, (byte)8);
            yield break;
        }
        var protocols = pp.Protocol == L4Protocol.Any ? s_anyWithPorts : [pp.Protocol];
        var blocks = pp.EndPort == 0 ? [(pp.Port, (byte)16)] : PortRanges.ToPrefixes(pp.Port, pp.EndPort);
        foreach (var proto in protocols)
        {
            foreach (var (start, bits) in blocks)
            {
                yield return (proto, start, (byte)(8 + bits));
            }
        }
    }

    private static void Add(
        Dictionary<PolicyKey, (PolicyVerdict Verdict, SortedSet<PolicySource> From)> entries,
        PolicyKey key, PolicyVerdict verdict, PolicySource? source)
    {
        if (!entries.TryGetValue(key, out var existing))
        {
            existing = (verdict, new SortedSet<PolicySource>(SourceOrder.Instance));
        }
        else if (verdict.Deny && !existing.Verdict.Deny)
        {
            // Deny wins: the allow's sources no longer explain this entry.
            existing = (verdict, new SortedSet<PolicySource>(SourceOrder.Instance));
        }
        else if (!verdict.Deny && existing.Verdict.Deny)
        {
            return;
        }
        else if (!verdict.Deny && verdict.ProxyPort != 0)
        {
            // A redirect wins over a plain allow of the same key; the plain allow becomes an allow-all HTTP rule set.
            existing = (verdict with { AuthType = Math.Max(verdict.AuthType, existing.Verdict.AuthType) }, existing.From);
        }
        else if (!verdict.Deny && verdict.AuthType > existing.Verdict.AuthType)
        {
            // Two allows of one key: if either requires authentication, the entry does (Cilium's auth precedence).
            existing = (existing.Verdict with { AuthType = verdict.AuthType }, existing.From);
        }
        if (source is not null)
        {
            existing.From.Add(source);
        }
        entries[key] = existing;
    }

    private static void PropagateDenies(Dictionary<PolicyKey, (PolicyVerdict Verdict, SortedSet<PolicySource> From)> entries)
    {
        var denies = entries.Where(e => e.Value.Verdict.Deny).ToList();
        foreach (var (key, value) in entries.Where(e => !e.Value.Verdict.Deny).ToList())
        {
            var cover = denies.FirstOrDefault(d => d.Key.Covers(key));
            if (cover.Value.From is not null)
            {
                entries[key] = (PolicyVerdict.DenyAll, new SortedSet<PolicySource>(cover.Value.From, SourceOrder.Instance));
            }
        }
    }

    /// <summary>
    /// A narrower allow of the same peer inherits the auth type of a broader allow that covers it (Cilium derives it
    /// from the covering entry): otherwise the LPM trie's longest match would skip authentication that an L3 rule asks
    /// for whenever another rule also opens a port.
    /// </summary>
    private static void PropagateAuth(Dictionary<PolicyKey, (PolicyVerdict Verdict, SortedSet<PolicySource> From)> entries)
    {
        var requiring = entries.Where(e => !e.Value.Verdict.Deny && e.Value.Verdict.AuthType != 0).ToList();
        if (requiring.Count == 0)
        {
            return;
        }
        foreach (var (key, value) in entries.Where(e => !e.Value.Verdict.Deny && e.Value.Verdict.AuthType == 0).ToList())
        {
            var cover = requiring.Where(r => r.Key.Covers(key)).Select(r => r.Value.Verdict.AuthType).DefaultIfEmpty().Max();
            if (cover != 0)
            {
                entries[key] = (value.Verdict with { AuthType = cover }, value.From);
            }
        }
    }

    private sealed class SourceOrder : IComparer<PolicySource>
    {
        public static readonly SourceOrder Instance = new();

        public int Compare(PolicySource? x, PolicySource? y) =>
            string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}
