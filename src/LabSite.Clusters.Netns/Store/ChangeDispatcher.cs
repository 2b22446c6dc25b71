using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// Delivers committed changes to subscribers in commit order, one at a time. Whoever finds the queue idle
/// drains it; a change enqueued meanwhile (also by a handler calling back into the store) is picked up by
/// that same drain, so handlers never run concurrently or re-entrantly.
/// </summary>
internal sealed class ChangeDispatcher(Action<ObjectChange, Exception>? onHandlerError)
{
    private readonly object _gate = new();
    private readonly Queue<(ObjectChange Change, Subscription? OnlyTo)> _queue = new();
    private readonly List<Subscription> _subscriptions = [];
    private bool _draining;

    public IDisposable Add(Action<ObjectChange> handler, IEnumerable<ObjectChange> replay)
    {
        var subscription = new Subscription(this, handler);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
            foreach (var change in replay)
            {
                _queue.Enqueue((change, subscription));
            }
        }
        return subscription;
    }

    public void Enqueue(IEnumerable<ObjectChange> changes)
    {
        lock (_gate)
        {
            foreach (var change in changes)
            {
                _queue.Enqueue((change, null));
            }
        }
    }

    public void Drain()
    {
        while (true)
        {
            (ObjectChange Change, Subscription? OnlyTo) item;
            Subscription[] targets;
            lock (_gate)
            {
                if (_draining || _queue.Count == 0)
                {
                    return;
                }
                _draining = true;
                item = _queue.Dequeue();
                targets = item.OnlyTo is { } only ? [only] : [.. _subscriptions];
            }
            try
            {
                foreach (var target in targets)
                {
                    try
                    {
                        target.Deliver(item.Change);
                    }
                    catch (Exception e)
                    {
                        // The change is committed; one failing subscriber must not hide it from the others.
                        onHandlerError?.Invoke(item.Change, e);
                    }
                }
            }
            finally
            {
                lock (_gate)
                {
                    _draining = false;
                }
            }
        }
    }

    internal sealed class Subscription(ChangeDispatcher owner, Action<ObjectChange> handler) : IDisposable
    {
        private volatile bool _disposed;

        public void Deliver(ObjectChange change)
        {
            if (!_disposed)
            {
                // Each subscriber gets its own copies: stored objects stay immutable whatever a handler does.
                handler(change with
                {
                    Object = new KubeObject((System.Text.Json.Nodes.JsonObject)change.Object.Json.DeepClone()),
                    Previous = change.Previous is { } p ? new KubeObject((System.Text.Json.Nodes.JsonObject)p.Json.DeepClone()) : null,
                });
            }
        }

        public void Dispose()
        {
            _disposed = true;
            lock (owner._gate)
            {
                owner._subscriptions.Remove(this);
            }
        }
    }
}
