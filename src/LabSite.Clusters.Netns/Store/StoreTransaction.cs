using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// A staged set of writes over a snapshot: apply works on one, and either commits all of it or drops it,
/// which is what makes an apply all-or-nothing. Stored objects are never mutated once put; readers clone.
/// Not thread-safe: the store holds its lock around a transaction.
/// </summary>
internal sealed class StoreTransaction(ImmutableSortedDictionary<ObjectKey, JsonObject> snapshot, long resourceVersion, TimeProvider time)
{
    private readonly ImmutableSortedDictionary<ObjectKey, JsonObject>.Builder _objects = snapshot.ToBuilder();
    private readonly List<ObjectKey> _touched = [];
    private readonly HashSet<ObjectKey> _touchedSet = [];

    public long ResourceVersion { get; private set; } = resourceVersion;

    public TimeProvider Time { get; } = time;

    public string Now => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public IEnumerable<ObjectKey> Keys => _objects.Keys;

    public JsonObject? Get(ObjectKey key) => _objects.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<ObjectKey, JsonObject>> OfKind(ResourceKind kind, string? ns = null) =>
        _objects.Where(kv => kv.Key.Kind == kind.Kind && (ns is null || kv.Key.Namespace == ns));

    /// <summary>Stores <paramref name="obj"/> (which the caller must not touch afterwards) with a new resourceVersion.</summary>
    public void Put(ObjectKey key, JsonObject obj)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        metadata["resourceVersion"] = (++ResourceVersion).ToString(CultureInfo.InvariantCulture);
        _objects[key] = obj;
        Touch(key);
    }

    public bool Remove(ObjectKey key)
    {
        Touch(key);
        return _objects.Remove(key);
    }

    private void Touch(ObjectKey key)
    {
        if (_touchedSet.Add(key))
        {
            _touched.Add(key);
        }
    }

    public ImmutableSortedDictionary<ObjectKey, JsonObject> Result => _objects.ToImmutable();

    /// <summary>
    /// Changes against the snapshot, in first-touch order; an object added and removed in the same
    /// transaction yields nothing, and several writes to one object yield one change.
    /// </summary>
    public List<ObjectChange> Changes()
    {
        var changes = new List<ObjectChange>();
        foreach (var key in _touched)
        {
            var before = snapshot.GetValueOrDefault(key);
            var after = _objects.GetValueOrDefault(key);
            if (ReferenceEquals(before, after))
            {
                continue;
            }
            var kind = ServedKinds.Of(key);
            changes.Add((before, after) switch
            {
                (null, not null) => new ObjectChange(ChangeType.Added, kind, new KubeObject(after), null),
                (not null, null) => new ObjectChange(ChangeType.Deleted, kind, new KubeObject(before), null),
                _ => new ObjectChange(ChangeType.Modified, kind, new KubeObject(after!), new KubeObject(before!)),
            });
        }
        return changes;
    }
}
