using System.Net;
using LabSite.Clusters.Contract.Identity;

namespace LabSite.Clusters.Netns.Identity;

/// <summary>
/// Hands out numeric identities for one lab cluster: one per distinct label set, from 256 up (same labels → same
/// identity; a relabelled pod gets another), and local CIDR identities from 16777217. Identities are reference
/// counted so that one no endpoint uses any more is released (and its number not reused while the lab lives, so
/// flows recorded earlier stay unambiguous). Thread-safe.
/// </summary>
public sealed class IdentityAllocator
{
    private readonly Lock _lock = new();
    private readonly Dictionary<LabelSet, Entry> _byLabels = [];
    private readonly Dictionary<NumericIdentity, LabelSet> _byId = [];
    private uint _nextCluster = NumericIdentity.MinimalAllocation.Value;
    private uint _nextLocal = NumericIdentity.LocalScopeFlag + 1;

    private sealed class Entry(NumericIdentity id)
    {
        public NumericIdentity Id { get; } = id;
        public int References { get; set; }
    }

    public IdentityAllocator()
    {
        foreach (var (id, _) in NumericIdentity.Reserved)
        {
            if (id != NumericIdentity.Unknown)
            {
                _byId[id] = IdentityLabels.ForReserved(id);
            }
        }
    }

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
                if (_nextCluster > NumericIdentity.MaximalAllocation.Value)
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

    /// <summary>The labels of an identity (reserved ones included), or null if it is not allocated.</summary>
    public LabelSet? Lookup(NumericIdentity id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
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

    /// <summary>Every identity with its labels, reserved ones first, sorted by number (stable for dumps and tests).</summary>
    public IReadOnlyList<(NumericIdentity Id, LabelSet Labels)> Snapshot()
    {
        lock (_lock)
        {
            return _byId.OrderBy(kv => kv.Key.Value).Select(kv => (kv.Key, kv.Value)).ToList();
        }
    }

    /// <summary>Labels of a CIDR identity, as Cilium gives them: <c>cidr:10.0.0.0/8</c> plus <c>reserved:world</c>.</summary>
    public static LabelSet CidrLabels(IPNetwork cidr) =>
        new([new Label(Label.SourceCidr, cidr.ToString(), ""), Label.ReservedLabel("world")]);
}
