using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>
/// The policy repository of one lab: holds parsed policies and endpoints, allocates identities (pods and CIDRs),
/// and recompiles only the endpoints a change can affect — those a changed policy selects (before or after), the
/// changed endpoint itself, and endpoints whose rules use a selector whose selection changed when identities came
/// or went. Every mutator returns the policies that actually changed, for the caller to program into the maps.
/// All members are thread-safe (one lock; callbacks are never invoked under it). Ports with HTTP rules get the
/// port of the lab's L7 proxy listener for their direction as their entries' proxy port:
/// <paramref name="l7ProxyPort"/> for ingress, <paramref name="l7EgressProxyPort"/> for egress.
/// In a Cluster Mesh (<paramref name="defaultLocalCluster"/>), endpoint selectors that name no cluster select only
/// <paramref name="cluster"/>'s endpoints, Cilium's policy-default-local-cluster; the remote clusters' identities come
/// from <see cref="SetRemoteIdentities"/>.
/// </summary>
public sealed class PolicyEngine(
    IdentityAllocator identities,
    PolicyEnforcementMode mode = PolicyEnforcementMode.Default,
    string cluster = IdentityLabels.DefaultCluster,
    ushort l7ProxyPort = PolicyEngine.DefaultL7ProxyPort,
    ushort l7EgressProxyPort = PolicyEngine.DefaultL7EgressProxyPort,
    bool defaultLocalCluster = false)
{
    /// <summary>Each lab has its own node namespace, so fixed ports (inside Cilium's 10000-20000 proxy range) suffice.</summary>
    public const ushort DefaultL7ProxyPort = 15080;

    /// <summary>The egress listener's port: a listener judges one direction, as Cilium's per-direction Envoy listeners do.</summary>
    public const ushort DefaultL7EgressProxyPort = 15081;

    private readonly Lock _lock = new();
    private readonly SelectorCache _selectors = new();
    private readonly Dictionary<(string Kind, string? Ns, string Name), ParsedPolicy> _policies = [];
    private readonly Dictionary<EndpointId, State> _endpoints = [];
    private readonly Dictionary<IPNetwork, (NumericIdentity Id, int Refs)> _cidrs = [];
    // What DNS answers told (name → addresses, every endpoint's lookups merged), and the /32s toFQDNs selectors hold.
    private IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> _fqdnNames = new Dictionary<string, IReadOnlyList<IPAddress>>();
    private readonly HashSet<IPNetwork> _fqdnPrefixes = [];
    private bool _seeded;
    // Cilium's repository starts at revision 1 and bumps it on every policy add or delete.
    private long _revision = 1;

    private sealed class State(EndpointInfo info, NumericIdentity identity)
    {
        public EndpointInfo Info { get; set; } = info;
        public NumericIdentity Identity { get; set; } = identity;
        public EndpointPolicy? Policy { get; set; }
        public HashSet<EndpointSelector> UsedSelectors { get; set; } = [];
        public bool UsedCidrs { get; set; }
        public bool UsedFqdns { get; set; }
    }

    public IdentityAllocator Identities => identities;

    /// <summary>Cilium's policy-enforcement setting (default: enforce where a policy selects the endpoint).</summary>
    public PolicyEnforcementMode Mode => mode;

    public ushort L7ProxyPort => l7ProxyPort;

    public ushort L7EgressProxyPort => l7EgressProxyPort;

    /// <summary>
    /// The HTTP rules of every redirected port of every endpoint with an IPv4 address, keyed as the L7 proxy looks
    /// them up: what <see cref="L7PolicyTable.ReplaceAll"/> takes after each change.
    /// </summary>
    public IReadOnlyDictionary<L7PolicyKey, L7PortPolicy> L7Policies()
    {
        lock (_lock)
        {
            var all = new Dictionary<L7PolicyKey, L7PortPolicy>();
            foreach (var state in _endpoints.Values)
            {
                if (state.Info.IPv4 is not { } ip || state.Policy is null)
                {
                    continue;
                }
                foreach (var ((dir, port), policy) in state.Policy.L7)
                {
                    var flowDir = dir == TrafficDirection.Ingress
                        ? Contract.Flows.TrafficDirection.INGRESS
                        : Contract.Flows.TrafficDirection.EGRESS;
                    all[new L7PolicyKey(ip, flowDir, port)] = policy;
                }
            }
            return all;
        }
    }

    /// <summary>Adds or replaces a policy (keyed by kind, namespace, name).</summary>
    public IReadOnlyList<EndpointPolicy> Upsert(ParsedPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_lock)
        {
            Seed();
            var key = (policy.Source.Kind, policy.Source.Namespace, policy.Source.Name);
            _policies.TryGetValue(key, out var old);
            _policies[key] = policy;
            _revision++;
            var affected = SelectedBy(old).Concat(SelectedBy(policy)).ToHashSet();
            affected.UnionWith(AcquireCidrs(policy));
            if (old is not null)
            {
                affected.UnionWith(ReleaseCidrs(old));
            }
            affected.UnionWith(SyncFqdnPrefixes());
            return Recompile(affected);
        }
    }

    /// <summary>Removes a policy; unknown names are a no-op.</summary>
    public IReadOnlyList<EndpointPolicy> Delete(string kind, string? @namespace, string name)
    {
        lock (_lock)
        {
            if (!_policies.Remove((kind, @namespace, name), out var old))
            {
                return [];
            }
            _revision++;
            var affected = SelectedBy(old).ToHashSet();
            affected.UnionWith(ReleaseCidrs(old));
            affected.UnionWith(SyncFqdnPrefixes());
            return Recompile(affected);
        }
    }

    /// <summary>Adds or updates an endpoint (new labels → new identity, and recompute of who selects it).</summary>
    public IReadOnlyList<EndpointPolicy> Upsert(EndpointInfo endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_lock)
        {
            Seed();
            var affected = new HashSet<EndpointId> { endpoint.Id };
            var newId = identities.Acquire(endpoint.Labels);
            affected.UnionWith(IdentityAdded(newId, endpoint.Labels));
            var namedPortsChanged = true;
            if (_endpoints.TryGetValue(endpoint.Id, out var state))
            {
                namedPortsChanged = !state.Info.NamedPorts.SequenceEqual(endpoint.NamedPorts);
                var oldId = state.Identity;
                state.Info = endpoint;
                state.Identity = newId;
                affected.UnionWith(ReleaseIdentity(oldId));
            }
            else
            {
                _endpoints[endpoint.Id] = new State(endpoint, newId);
            }
            // Egress named ports resolve on the destination pods, so a change there can touch any endpoint.
            if (namedPortsChanged && endpoint.NamedPorts.Count > 0)
            {
                affected.UnionWith(_endpoints.Keys);
            }
            return Recompile(affected);
        }
    }

    /// <summary>Removes an endpoint and releases its identity.</summary>
    public IReadOnlyList<EndpointPolicy> Delete(EndpointId id)
    {
        lock (_lock)
        {
            if (!_endpoints.Remove(id, out var state))
            {
                return [];
            }
            return Recompile(ReleaseIdentity(state.Identity).ToHashSet());
        }
    }

    /// <summary>
    /// Replaces what the DNS proxy learned (fully qualified lower-case names → addresses, unexpired, every endpoint's
    /// lookups merged, as Cilium's name manager selects for every endpoint). Addresses a toFQDNs selector matches get
    /// /32 CIDR identities (Cilium allocates local identities for them); endpoints using toFQDNs are recompiled.
    /// </summary>
    public IReadOnlyList<EndpointPolicy> UpdateFqdnNames(IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_lock)
        {
            Seed();
            _fqdnNames = names;
            var affected = SyncFqdnPrefixes().ToHashSet();
            affected.UnionWith(_endpoints.Where(e => e.Value.UsedFqdns).Select(e => e.Key));
            return Recompile(affected);
        }
    }

    /// <summary>
    /// Replaces the identities of the mesh's other clusters (all of them at once): selectors learn the new ones and
    /// forget the gone ones, and endpoints whose rules use a selector whose selection changed are recompiled.
    /// </summary>
    public IReadOnlyList<EndpointPolicy> SetRemoteIdentities(IReadOnlyDictionary<NumericIdentity, LabelSet> remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (_lock)
        {
            Seed();
            var (added, removed) = identities.SetRemote(remote);
            var changed = new HashSet<EndpointSelector>();
            foreach (var id in removed)
            {
                changed.UnionWith(_selectors.RemoveIdentity(id));
            }
            foreach (var (id, labels) in added)
            {
                // A relabelled remote identity: drop the old selection first.
                changed.UnionWith(_selectors.RemoveIdentity(id));
                changed.UnionWith(_selectors.AddIdentity(id, labels));
            }
            return Recompile(UsersOf(changed, cidrChanged: false).ToHashSet());
        }
    }

    /// <summary>The compiled policy of an endpoint, or null if it is unknown.</summary>
    public EndpointPolicy? PolicyOf(EndpointId id)
    {
        lock (_lock)
        {
            return _endpoints.GetValueOrDefault(id)?.Policy;
        }
    }

    public NumericIdentity? IdentityOf(EndpointId id)
    {
        lock (_lock)
        {
            return _endpoints.TryGetValue(id, out var s) ? s.Identity : null;
        }
    }

    /// <summary>CIDR prefixes policies use, with their local identities: what the ipcache must hold besides pods.</summary>
    public IReadOnlyDictionary<IPNetwork, NumericIdentity> CidrIdentities()
    {
        lock (_lock)
        {
            return _cidrs.ToDictionary(kv => kv.Key, kv => kv.Value.Id);
        }
    }

    /// <summary>Policies currently loaded, sorted by kind, namespace, name.</summary>
    public IReadOnlyList<ParsedPolicy> Policies()
    {
        lock (_lock)
        {
            return _policies.OrderBy(kv => kv.Key.Kind, StringComparer.Ordinal).ThenBy(kv => kv.Key.Ns, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Name, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
        }
    }

    /// <summary>The policies (sorted as <see cref="Policies"/>) and the repository revision, read together.</summary>
    public (IReadOnlyList<ParsedPolicy> Policies, long Revision) Repository()
    {
        lock (_lock)
        {
            return (Policies(), _revision);
        }
    }

    /// <summary>The rules (of every policy) whose subject selects <paramref name="labels"/>.</summary>
    private List<PolicyRule> RulesFor(LabelSet labels) =>
        _policies.Values.SelectMany(p => p.Rules).Where(r => r.Subject.Matches(labels)).ToList();

    private IEnumerable<EndpointId> SelectedBy(ParsedPolicy? policy) => policy is null
        ? []
        : _endpoints.Where(e => policy.Rules.Any(r => r.Subject.Matches(e.Value.Info.Labels))).Select(e => e.Key);

    // Reserved identities exist from the start (host, world, ...); selectors see them like any other.
    private void Seed()
    {
        if (_seeded)
        {
            return;
        }
        _seeded = true;
        foreach (var (id, labels) in identities.Snapshot())
        {
            _selectors.AddIdentity(id, labels);
        }
    }

    private IEnumerable<EndpointId> IdentityAdded(NumericIdentity id, LabelSet labels)
    {
        var changed = _selectors.AddIdentity(id, labels).ToHashSet();
        return UsersOf(changed, cidrChanged: id.IsLocalScope || labels.Labels.Any(l => l.Source == Label.SourceReserved));
    }

    private IEnumerable<EndpointId> ReleaseIdentity(NumericIdentity id)
    {
        identities.Release(id);
        if (identities.Lookup(id) is not null)
        {
            return [];
        }
        var changed = _selectors.RemoveIdentity(id).ToHashSet();
        return UsersOf(changed, cidrChanged: id.IsLocalScope);
    }

    private List<EndpointId> UsersOf(HashSet<EndpointSelector> changed, bool cidrChanged) =>
        _endpoints.Where(e => e.Value.UsedSelectors.Overlaps(changed) || (cidrChanged && e.Value.UsedCidrs)).Select(e => e.Key).ToList();

    private IEnumerable<IPNetwork> CidrsOf(ParsedPolicy p) =>
        p.Rules.SelectMany(r => new[] { r.Ingress, r.IngressDeny, r.Egress, r.EgressDeny })
            .SelectMany(list => list ?? []).SelectMany(peer => peer.Cidrs ?? [])
            .SelectMany(c => c.Except.Prepend(c.Cidr))
            .Where(n => n.PrefixLength > 0);

    private List<EndpointId> AcquireCidrs(ParsedPolicy p) => CidrsOf(p).SelectMany(Acquire).ToList();

    private List<EndpointId> ReleaseCidrs(ParsedPolicy p) => CidrsOf(p).SelectMany(Release).ToList();

    /// <summary>One more reference to a prefix's CIDR identity (allocated on the first).</summary>
    private IEnumerable<EndpointId> Acquire(IPNetwork net)
    {
        if (_cidrs.TryGetValue(net, out var e))
        {
            _cidrs[net] = (e.Id, e.Refs + 1);
            return [];
        }
        var id = identities.AcquireCidr(net);
        _cidrs[net] = (id, 1);
        return IdentityAdded(id, identities.Lookup(id)!);
    }

    /// <summary>One reference less (the identity goes with the last).</summary>
    private IEnumerable<EndpointId> Release(IPNetwork net)
    {
        if (!_cidrs.TryGetValue(net, out var e))
        {
            return [];
        }
        if (e.Refs > 1)
        {
            _cidrs[net] = (e.Id, e.Refs - 1);
            return [];
        }
        _cidrs.Remove(net);
        return ReleaseIdentity(e.Id);
    }

    /// <summary>Holds a CIDR identity for each address a toFQDNs selector of any policy selects, and releases the rest.</summary>
    private List<EndpointId> SyncFqdnPrefixes()
    {
        var selectors = _policies.Values.SelectMany(p => p.Rules).SelectMany(r => new[] { r.Egress })
            .SelectMany(list => list ?? []).SelectMany(peer => peer.Fqdns ?? []).ToList();
        var wanted = _fqdnNames.Where(kv => selectors.Any(s => s.Matches(kv.Key)))
            .SelectMany(kv => kv.Value).Select(ip => new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            .ToHashSet();
        var affected = new List<EndpointId>();
        foreach (var net in wanted.Except(_fqdnPrefixes).ToList())
        {
            affected.AddRange(Acquire(net));
            _fqdnPrefixes.Add(net);
        }
        foreach (var net in _fqdnPrefixes.Except(wanted).ToList())
        {
            affected.AddRange(Release(net));
            _fqdnPrefixes.Remove(net);
        }
        return affected;
    }

    private List<EndpointPolicy> Recompile(HashSet<EndpointId> affected)
    {
        var cidrById = _cidrs.ToDictionary(kv => kv.Value.Id, kv => kv.Key);
        var portsByIdentity = _endpoints.Values.GroupBy(s => s.Identity)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<NamedPort>)g.SelectMany(s => s.Info.NamedPorts).Distinct().ToList());
        var changed = new List<EndpointPolicy>();
        foreach (var id in affected.Order())
        {
            if (!_endpoints.TryGetValue(id, out var state))
            {
                continue;
            }
            var compiler = new EndpointCompiler(_selectors, cidrById, portsByIdentity, cluster, mode, l7ProxyPort, l7EgressProxyPort, _fqdnNames, defaultLocalCluster);
            var policy = compiler.Compile(state.Info, state.Identity, RulesFor(state.Info.Labels));
            state.UsedSelectors = compiler.UsedSelectors;
            state.UsedCidrs = compiler.UsedCidrs;
            state.UsedFqdns = compiler.UsedFqdns;
            if (!policy.SameAs(state.Policy))
            {
                changed.Add(policy);
            }
            state.Policy = policy;
        }
        _selectors.Retain(_endpoints.Values.SelectMany(s => s.UsedSelectors).ToHashSet());
        return changed;
    }
}
