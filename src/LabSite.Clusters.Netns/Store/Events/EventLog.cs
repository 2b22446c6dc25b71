using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store.Events;

/// <summary>
/// A lab's core/v1 Events, as components record them through client-go's event recorder: one Event per involved
/// object, reason and message, whose <c>count</c> and <c>lastTimestamp</c> grow when it happens again. Bounded like
/// kube-apiserver's: an Event older than <see cref="MaxAge"/> (its <c>--event-ttl</c> default) is dropped, and past
/// <see cref="Capacity"/> the least recently seen go first. ResourceVersions come from the store's own sequence, so a
/// watch of events orders with everything else. Thread-safe.
/// </summary>
public sealed class EventLog(TimeProvider time, Func<long> nextResourceVersion)
{
    public const int Capacity = 1000;
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly object _gate = new();
    private readonly SortedDictionary<(string Namespace, string Name), JsonObject> _events = [];
    private long _lastNanos;

    /// <summary>
    /// Records that <paramref name="reason"/> happened to <paramref name="involved"/> (a stored object), reported by
    /// <paramref name="component"/>; <paramref name="fieldPath"/> names a container (<c>spec.containers{main}</c>).
    /// </summary>
    public void Record(KubeObject involved, ResourceKind kind, EventType type, string reason, string message, string component, string? fieldPath = null)
    {
        var now = time.GetUtcNow();
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var ns = involved.Namespace ?? ObjectStore.DefaultNamespace;
        var uid = (string?)involved.Json["metadata"]?["uid"] ?? "";
        lock (_gate)
        {
            Prune(now);
            var same = _events.FirstOrDefault(e => Same(e.Value, uid, involved.Name, type, reason, message, component, fieldPath));
            if (same.Value is { } seen)
            {
                var again = (JsonObject)seen.DeepClone();
                again["count"] = (seen["count"].AsInt() ?? 1) + 1;
                again["lastTimestamp"] = stamp;
                again["metadata"]!["resourceVersion"] = nextResourceVersion().ToString(CultureInfo.InvariantCulture);
                _events[same.Key] = again;
                return;
            }
            // client-go names an Event after its object and the time in nanoseconds, in hex.
            var nanos = Math.Max((now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, _lastNanos + 1);
            _lastNanos = nanos;
            var name = $"{involved.Name}.{nanos:x}";
            var reference = new JsonObject
            {
                ["kind"] = kind.Kind,
                ["namespace"] = involved.Namespace,
                ["name"] = involved.Name,
                ["uid"] = uid,
                ["apiVersion"] = kind.ApiVersion,
                ["resourceVersion"] = (string?)involved.Json["metadata"]?["resourceVersion"],
            };
            if (fieldPath is not null)
            {
                reference["fieldPath"] = fieldPath;
            }
            _events[(ns, name)] = new JsonObject
            {
                ["kind"] = "Event",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["namespace"] = ns,
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["resourceVersion"] = nextResourceVersion().ToString(CultureInfo.InvariantCulture),
                    ["creationTimestamp"] = stamp,
                },
                ["involvedObject"] = reference,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = new JsonObject { ["component"] = component },
                ["firstTimestamp"] = stamp,
                ["lastTimestamp"] = stamp,
                ["count"] = 1,
                ["type"] = type.ToString(),
                ["eventTime"] = null,
                ["reportingComponent"] = component,
                ["reportingInstance"] = "",
            };
            while (_events.Count > Capacity)
            {
                _events.Remove(_events.MinBy(e => (string?)e.Value["lastTimestamp"]).Key);
            }
        }
    }

    /// <summary>Events in <paramref name="ns"/> ("*" for all), by namespace and name; copies.</summary>
    public IReadOnlyList<KubeObject> List(string ns, string? name)
    {
        lock (_gate)
        {
            Prune(time.GetUtcNow());
            return _events
                .Where(e => (ns == "*" || e.Key.Namespace == ns) && (name is null || e.Key.Name == name))
                .Select(e => new KubeObject((JsonObject)e.Value.DeepClone()))
                .ToList();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var old in _events.Where(e => DateTimeOffset.Parse((string)e.Value["lastTimestamp"]!, CultureInfo.InvariantCulture) < now - MaxAge).Select(e => e.Key).ToList())
        {
            _events.Remove(old);
        }
    }

    private static bool Same(JsonObject e, string uid, string name, EventType type, string reason, string message, string component, string? fieldPath) =>
        (string?)e["involvedObject"]!["uid"] == uid && (string?)e["involvedObject"]!["name"] == name && (string?)e["type"] == type.ToString()
        && (string?)e["reason"] == reason && (string?)e["message"] == message && (string?)e["source"]!["component"] == component
        && (string?)e["involvedObject"]!["fieldPath"] == fieldPath;
}

/// <summary>An Event's <c>type</c>: kube-apiserver accepts only these two.</summary>
public enum EventType { Normal, Warning }
