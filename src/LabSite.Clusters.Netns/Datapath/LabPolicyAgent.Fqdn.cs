using System.Net;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Fqdn;
using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// DNS-aware policy: the lab's DNS proxy (<see cref="DnsProxy"/>) judges queries of endpoints with <c>rules.dns</c>
/// and records their answers in the FQDN cache; every change of the cache's names is handed to the policy engine,
/// whose toFQDNs peers then select the answered addresses (as /32 CIDR identities, in the ipcache and the policy
/// maps before the answer reaches the pod). A timer expires lookups when their TTL runs out (raised to the minimum
/// TTL), which withdraws their addresses again.
/// </summary>
public sealed partial class LabPolicyAgent
{
    /// <summary>How often expired lookups are looked for; a lookup outlives its TTL by at most this.</summary>
    public static readonly TimeSpan FqdnExpiryInterval = TimeSpan.FromSeconds(1);

    private FqdnCache? _fqdnCache;
    private ITimer? _fqdnExpiry;

    /// <summary>The lab's FQDN cache; created with the DNS proxy.</summary>
    public FqdnCache FqdnCache => _fqdnCache ?? throw new InvalidOperationException("the DNS proxy is not started");

    /// <summary>
    /// The DNS proxy for cluster DNS at <paramref name="server"/> (the node address). <paramref name="minTtl"/> is
    /// Cilium's <c>--tofqdns-min-ttl</c>.
    /// </summary>
    internal DnsProxy StartDnsProxy(IPAddress server, TimeProvider time, uint minTtl)
    {
        _fqdnCache = new FqdnCache(time, minTtl);
        _fqdnExpiry = time.CreateTimer(_ => ExpireFqdns(), null, FqdnExpiryInterval, FqdnExpiryInterval);
        return new DnsProxy(DnsClientOf, _fqdnCache, SyncFqdnNames, _l7Sinks, server, time);
    }

    /// <summary><c>cilium-dbg fqdn cache list</c>'s rows.</summary>
    public IReadOnlyList<FqdnCacheEntry> FqdnCacheList() =>
        (_fqdnCache?.List() ?? []).Select(l => new FqdnCacheEntry(l.EndpointId, l.Source, l.Fqdn, l.Ttl, l.ExpirationTime, l.Ips.Select(ip => ip.ToString()).ToList())).ToList();

    private DnsClient? DnsClientOf(IPAddress address)
    {
        lock (_lock)
        {
            var ep = _pods.Values.FirstOrDefault(p => p.Ip.Equals(address));
            // Cilium's DNS proxy runs on every node and judges that node's pods: their flows carry their node's name.
            return ep is null || _engine.PolicyOf(ep.Id) is not { } policy
                ? null
                : new DnsClient(ep.Id.Value, policy.Identity, policy.Dns, _lookup.NodeNameOf(ep.Id.Value));
        }
    }

    private void ExpireFqdns()
    {
        if (_fqdnCache is { } cache && cache.Expire().Count > 0)
        {
            SyncFqdnNames();
        }
    }

    /// <summary>Hands the cache's current names (every endpoint's, merged) to the engine and programs what changed.</summary>
    private void SyncFqdnNames()
    {
        if (_fqdnCache is not { } cache)
        {
            return;
        }
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            var names = cache.List()
                .GroupBy(l => l.Fqdn, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<IPAddress>)g.SelectMany(l => l.Ips).Distinct().ToList(), StringComparer.Ordinal);
            Program(_engine.UpdateFqdnNames(names));
        }
    }

    private void ForgetFqdns(EndpointId id)
    {
        if (_fqdnCache is { } cache)
        {
            cache.ForgetEndpoint(id.Value);
        }
    }
}
