using System.Collections.Immutable;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>Where the proxy looks up the rules for a connection. Implemented by <see cref="L7PolicyTable"/>.</summary>
public interface IL7PolicySource
{
    /// <summary>The policy for <paramref name="key"/>, or null when no L7 policy covers it (the proxy then denies).</summary>
    L7PortPolicy? Find(L7PolicyKey key);
}

/// <summary>
/// The current L7 policies of one lab. The policy engine replaces entries as policies change; connections read
/// them per request, so a new policy applies to the next request on an open connection, as in Cilium. Reads are
/// lock-free (an immutable snapshot swapped atomically).
/// </summary>
public sealed class L7PolicyTable : IL7PolicySource
{
    private ImmutableDictionary<L7PolicyKey, L7PortPolicy> _entries = ImmutableDictionary<L7PolicyKey, L7PortPolicy>.Empty;

    public L7PortPolicy? Find(L7PolicyKey key) => Volatile.Read(ref _entries).GetValueOrDefault(key);

    public void Set(L7PolicyKey key, L7PortPolicy policy) => ImmutableInterlocked.AddOrUpdate(ref _entries, key, policy, (_, _) => policy);

    public bool Remove(L7PolicyKey key) => ImmutableInterlocked.TryRemove(ref _entries, key, out _);

    /// <summary>Replaces everything at once (a policy recompute produces the whole set).</summary>
    public void ReplaceAll(IEnumerable<KeyValuePair<L7PolicyKey, L7PortPolicy>> all) => Volatile.Write(ref _entries, all.ToImmutableDictionary());

    public IReadOnlyDictionary<L7PolicyKey, L7PortPolicy> Snapshot => Volatile.Read(ref _entries);
}
