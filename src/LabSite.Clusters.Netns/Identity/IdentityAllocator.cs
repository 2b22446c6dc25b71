using System.Net;
using LabSite.Clusters.Contract.Identity;

namespace LabSite.Clusters.Netns.Identity;

/// <summary>
/// Hands out numeric identities for one lab cluster: one per distinct label set, from 256 up (same labels → same
/// identity; a relabelled pod gets another), and local CIDR identities from 16777217. A cluster of a Cluster Mesh
/// (cluster id 1-255) allocates from <c>clusterId &lt;&lt; 16 | 256</c> to <c>clusterId &lt;&lt; 16 | 65535</c>,
/// Cilium's rule, so identities stay unique across the mesh; remote clusters' identities are only known
/// (<see cref="SetRemote"/>), never allocated here. Identities are reference
/// counted so that one no endpoint uses any more is released (and its number not reused while the lab lives, so
/// flows recorded earlier stay unambiguous). Thread-safe.
/// </summary>
public sealed class IdentityAllocator
{
    private const int ClusterIdShift = 16;
    private readonly Lock _lock = new();
    private readonly Dictionary<LabelSet, Entry> _byLabels = [];
    private readonly Dictionary<NumericIdentity, LabelSet> _byId = [];
    private readonly Dictionary<NumericIdentity, LabelSet> _remote = [];
    private uint _nextCluster;
    private uint _nextLocal = NumericIdentity.LocalScopeFlag + 1;

    private sealed class Entry(NumericIdentity id)
    {
        public NumericIdentity Id { get; } = id;
        public int References { get; set; }
    }

    public IdentityAllocator(int clusterId = 0)
    {
        if (clusterId is < 0 or > Contract.MeshCluster.MaxId)
        {
            throw new ArgumentOutOfRangeException(nameof(clusterId), clusterId, $"a cluster id is 0 to {Contract.MeshCluster.MaxId}");
        }
        MinIdentity = ((uint)clusterId << ClusterIdShift) | NumericIdentity.MinimalAllocation.Value;
        MaxIdentity = ((uint)clusterId << ClusterIdShift) | NumericIdentity.MaximalAllocation.Value;
        _nextCluster = MinIdentity;
        foreach (var (id, _) in NumericIdentity.Reserved)
        {
            if (id != NumericIdentity.Unknown)
            {
                _byId[id] = IdentityLabels.ForReserved(id);
            }
        }
    }

    /// <summary>The first identity this cluster allocates (<c>cilium-dbg status</c>'s Global Identity Range).</summary>
    public uint MinIdentity { get; }

    /// <summary>The last identity this cluster may allocate.</summary>
    public uint MaxIdentity { get; }

    /// <summary>The cluster id encoded in an identity (0 for reserved, CIDR and cluster-0 identities).</summary>
    public static int ClusterIdOf(NumericIdentity id) => id.IsLocalScope ? 0 : (int)((id.Value >> ClusterIdShift) & 0xFF);

    /// <summary>Raised after an identity is allocated or released (outside the allocator's lock).</summary>
    public event Action<NumericIdentity, LabelSet, bool>? Changed;

    /// <summary>Takes a reference on the identity of <paramref name="labels"/>, allocating it on first use.</summary>
    public NumericIdentity Acquire(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        bool created;
        NumericIdentity id;
        lock (_lock)
        {
            created = !_byLabels.TryGetValue(labels, out var entry);
            if (entry is null)
            {
                if (_nextCluster > MaxIdentity)
                {
                    throw new InvalidOperationException($"identity space exhausted: more than {NumericIdentity.MaximalAllocation.Value - 255} label sets in one lab");
                }
                entry = new Entry(new NumericIdentity(_nextCluster++));
                _byLabels[labels] = entry;
                _byId[entry.Id] = labels;
            }
            entry.References++;
            id = entry.Id;
        }
        if (created)
        {
            Changed?.Invoke(id, labels, true);
        }
        return id;
    }

    /// <summary>
    /// Takes a reference on the local identity of a CIDR (labels <c>cidr:&lt;prefix&gt;</c> and <c>reserved:world</c>).
    /// </summary>
    public NumericIdentity AcquireCidr(IPNetwork cidr)
    {
        var labels = CidrLabels(cidr);
        bool created;
        NumericIdentity id;
        lock (_lock)
        {
            created = !_byLabels.TryGetValue(labels, out var entry);
            if (entry is null)
            {
                entry = new Entry(new NumericIdentity(_nextLocal++));
                _byLabels[labels] = entry;
                _byId[entry.Id] = labels;
            }
            entry.References++;
            id = entry.Id;
        }
        if (created)
        {
            Changed?.Invoke(id, labels, true);
        }
        return id;
    }

    /// <summary>Drops one reference; the identity is released when none is left. Unknown ids are ignored.</summary>
    public void Release(NumericIdentity id)
    {
        LabelSet? released = null;
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var labels) && _byLabels.TryGetValue(labels, out var entry))
            {
                entry.References--;
                if (entry.References <= 0)
                {
                    _byLabels.Remove(labels);
                    _byId.Remove(id);
                    released = labels;
                }
            }
        }
        if (released is not null)
        {
            Changed?.Invoke(id, released, false);
        }
    }

    /// <summary>The labels of an identity (reserved and remote ones included), or null if it is not known.</summary>
    public LabelSet? Lookup(NumericIdentity id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id) ?? _remote.GetValueOrDefault(id);
        }
    }

    /// <summary>
    /// Replaces the identities of the other clusters of a mesh (as Cilium's agent learns them from the remote
    /// clusters' kvstores). An id in this cluster's own range is refused: a remote cluster cannot claim local identities.
    /// Returns what was added and what went away.
    /// </summary>
    public (IReadOnlyList<(NumericIdentity Id, LabelSet Labels)> Added, IReadOnlyList<NumericIdentity> Removed) SetRemote(IReadOnlyDictionary<NumericIdentity, LabelSet> remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (_lock)
        {
            foreach (var id in remote.Keys)
            {
                if (id.IsReserved || id.IsLocalScope || (id.Value >= MinIdentity && id.Value <= MaxIdentity))
                {
                    throw new ArgumentException($"identity {id.Value} is not a remote cluster's (this cluster allocates {MinIdentity}-{MaxIdentity})", nameof(remote));
                }
            }
            var added = remote.Where(kv => !_remote.TryGetValue(kv.Key, out var old) || !old.Equals(kv.Value)).Select(kv => (kv.Key, kv.Value)).ToList();
            var removed = _remote.Keys.Where(id => !remote.ContainsKey(id)).ToList();
            _remote.Clear();
            foreach (var (id, labels) in remote)
            {
                _remote[id] = labels;
            }
            return (added, removed);
        }
    }

    /// <summary>The identity currently allocated to <paramref name="labels"/>, if any (no reference taken).</summary>
    public NumericIdentity? Find(LabelSet labels)
    {
        lock (_lock)
        {
            return _byLabels.TryGetValue(labels, out var e) ? e.Id : null;
        }
    }

    /// <summary>Every identity with its labels (remote clusters' too), reserved ones first, sorted by number (stable for dumps and tests).</summary>
    public IReadOnlyList<(NumericIdentity Id, LabelSet Labels)> Snapshot()
    {
        lock (_lock)
        {
            return _byId.Concat(_remote).OrderBy(kv => kv.Key.Value).Select(kv => (kv.Key, kv.Value)).ToList();
        }
    }

    /// <summary>Labels of a CIDR identity, as Cilium gives them: <c>cidr:10.0.0.0/8</c> plus <c>reserved:world</c>.</summary>
    public static LabelSet CidrLabels(IPNetwork cidr) =>
        new([new Label(Label.SourceCidr, cidr.ToString(), ""), Label.ReservedLabel("world")]);
}
