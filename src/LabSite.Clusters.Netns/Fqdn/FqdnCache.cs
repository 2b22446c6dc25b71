using System.Net;

namespace LabSite.Clusters.Netns.Fqdn;

/// <summary>One name an endpoint looked up, as <c>cilium-dbg fqdn cache list</c> prints it.</summary>
public sealed record FqdnLookup(ushort EndpointId, string Source, string Fqdn, uint Ttl, DateTimeOffset ExpirationTime, IReadOnlyList<IPAddress> Ips);

/// <summary>
/// What each endpoint learned from DNS answers the proxy allowed (Cilium's per-endpoint DNS history): name to IPs,
/// kept for the answer's TTL raised to <see cref="MinTtl"/> (Cilium's <c>--tofqdns-min-ttl</c>, 0 by default in
/// current releases). toFQDNs selectors are resolved against it; <see cref="Expire"/> drops what has run out so
/// the caller can withdraw the IPs from policy. Thread-safe; bounded per name like Cilium's
/// <c>--tofqdns-endpoint-max-ip-per-hostname</c>.
/// </summary>
public sealed class FqdnCache(TimeProvider time, uint minTtl = 0, int maxIpsPerName = 1000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(ushort Endpoint, string Name), FqdnLookup> _entries = [];

    public uint MinTtl { get; } = minTtl;

    /// <summary>Records an allowed answer. Returns true when it added an IP the endpoint did not have for the name.</summary>
    public bool Record(ushort endpointId, string name, IEnumerable<IPAddress> ips, uint ttl)
    {
        var fqdn = FqdnSelector.ToFqdn(name);
        var effective = Math.Max(ttl, MinTtl);
        var expires = time.GetUtcNow().AddSeconds(effective);
        var fresh = ips.Distinct().Take(maxIpsPerName).ToList();
        lock (_gate)
        {
            var key = (endpointId, fqdn);
            var old = _entries.GetValueOrDefault(key);
            // A newer answer replaces the IP set, as Cilium's cache keeps the latest lookup per name.
            var added = old is null || fresh.Any(ip => !old.Ips.Contains(ip));
            _entries[key] = new FqdnLookup(endpointId, "lookup", fqdn, effective, expires, fresh);
            return added;
        }
    }

    /// <summary>Removes expired lookups and returns them (their IPs leave the toFQDNs selections).</summary>
    public IReadOnlyList<FqdnLookup> Expire()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var gone = _entries.Values.Where(e => e.ExpirationTime <= now).ToList();
            foreach (var e in gone)
            {
                _entries.Remove((e.EndpointId, e.Fqdn));
            }
            return gone;
        }
    }

    /// <summary>The IPs <paramref name="endpointId"/> learned, unexpired, for names <paramref name="selector"/> selects.</summary>
    public IReadOnlyList<IPAddress> Selected(ushort endpointId, FqdnSelector selector)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _entries.Values
                .Where(e => e.EndpointId == endpointId && e.ExpirationTime > now && selector.Matches(e.Fqdn))
                .SelectMany(e => e.Ips).Distinct().ToList();
        }
    }

    /// <summary>Every unexpired lookup, ordered by endpoint then name (the CLI's order is the map's; ours is stable).</summary>
    public IReadOnlyList<FqdnLookup> List(ushort? endpointId = null)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _entries.Values
                .Where(e => e.ExpirationTime > now && (endpointId is null || e.EndpointId == endpointId))
                .OrderBy(e => e.EndpointId).ThenBy(e => e.Fqdn, StringComparer.Ordinal).ToList();
        }
    }

    public void ForgetEndpoint(ushort endpointId)
    {
        lock (_gate)
        {
            foreach (var key in _entries.Keys.Where(k => k.Endpoint == endpointId).ToList())
            {
                _entries.Remove(key);
            }
        }
    }
}
