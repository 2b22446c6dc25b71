using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// A lab's flow history: a ring of the last <see cref="Capacity"/> flows (Hubble's default 4095) plus live
/// subscribers. A subscriber that cannot keep up loses flows rather than slowing the writer; the loss is counted
/// and delivered in-band as a <see cref="FlowEvent"/> with <see cref="LostEvents"/>, as Hubble reports lost events.
/// Thread-safe; writers never block.
/// </summary>
public sealed class FlowRing(int capacity = FlowRing.DefaultCapacity, int subscriberBuffer = 1024)
{
    public const int DefaultCapacity = 4095;

    private readonly FlowRecord?[] _ring = new FlowRecord?[capacity];
    private readonly Lock _lock = new();
    private readonly List<Subscriber> _subscribers = [];
    private long _written;

    public int Capacity => capacity;

    /// <summary>
    /// Called with every flow as it is written, on the writer's thread, before subscribers see it: how Hubble's
    /// metrics handlers count the flow stream (they never read the ring back). Must be quick and must not throw.
    /// </summary>
    public Action<Flow>? Observer { get; init; }

    /// <summary>Flows ever written.</summary>
    public long Written
    {
        get { lock (_lock) { return _written; } }
    }

    /// <summary>Flows overwritten before anyone asked for history (the ring's own loss).</summary>
    public long Overwritten
    {
        get { lock (_lock) { return Math.Max(0, _written - capacity); } }
    }

    private sealed class Subscriber(FlowFilterSet filter, int buffer)
    {
        public FlowFilterSet Filter { get; } = filter;
        public Channel<FlowRecord> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<FlowRecord>(
            new BoundedChannelOptions(buffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        public long Lost;
    }

    public void Write(FlowRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Subscriber[] subs;
        lock (_lock)
        {
            _ring[_written % capacity] = record;
            _written++;
            subs = _subscribers.ToArray();
        }
        if (Observer is null && subs.Length == 0)
        {
            return;
        }

        // Built for the observer and the filters without being kept in the record, unless a subscriber takes it.
        var flow = record.Peek();
        Observer?.Invoke(flow);
        foreach (var s in subs)
        {
            if (!s.Filter.Matches(flow))
            {
                continue;
            }

            record.Keep(flow);
            if (!s.Channel.Writer.TryWrite(record))
            {
                Interlocked.Increment(ref s.Lost);
            }
        }
    }

    /// <summary>
    /// Matching flows from history, oldest first: the last <paramref name="last"/> (Hubble's default 20; null = all),
    /// or the first <paramref name="first"/>, within [since, until].
    /// </summary>
    public IReadOnlyList<FlowRecord> History(FlowFilterSet? filter = null, int? last = 20, int? first = null, Timestamp? since = null, Timestamp? until = null)
    {
        lock (_lock)
        {
            return Select(filter ?? FlowFilterSet.All, last, first, since, until);
        }
    }

    /// <summary>
    /// The last <paramref name="last"/> matching flows, then every new matching flow until cancelled (<c>--follow</c>).
    /// History and registration happen under one lock, so no flow is missed or repeated in between.
    /// </summary>
    public async IAsyncEnumerable<FlowEvent> FollowAsync(FlowFilterSet? filter, int last, [EnumeratorCancellation] CancellationToken ct)
    {
        filter ??= FlowFilterSet.All;
        var sub = new Subscriber(filter, subscriberBuffer);
        IReadOnlyList<FlowRecord> history;
        lock (_lock)
        {
            history = Select(filter, last, null, null, null);
            _subscribers.Add(sub);
        }
        try
        {
            foreach (var r in history)
            {
                yield return new FlowEvent(r, null);
            }
            while (await sub.Channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (sub.Channel.Reader.TryRead(out var r))
                {
                    yield return new FlowEvent(r, null);
                }
                // Flows were lost after the ones buffered: report them once the buffer is drained.
                var lost = Interlocked.Exchange(ref sub.Lost, 0);
                if (lost > 0)
                {
                    yield return new FlowEvent(null, new LostEvents(LostEvents.ObserverQueue, lost));
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _subscribers.Remove(sub);
            }
        }
    }

    public int Subscribers
    {
        get { lock (_lock) { return _subscribers.Count; } }
    }

    private List<FlowRecord> Select(FlowFilterSet filter, int? last, int? first, Timestamp? since, Timestamp? until)
    {
        var count = (int)Math.Min(_written, capacity);
        var all = new List<FlowRecord>(count);
        for (var i = _written - count; i < _written; i++)
        {
            var r = _ring[i % capacity]!;
            var t = r.FlowTime;
            if ((since is not null && t.CompareTo(since.Value) < 0) || (until is not null && t.CompareTo(until.Value) > 0))
            {
                continue;
            }

            // Only the flows that match are kept built: a narrow filter over a ring of compact records builds the rest
            // only for the test.
            var flow = r.Peek();
            if (filter.Matches(flow))
            {
                r.Keep(flow);
                all.Add(r);
            }
        }
        if (first is { } f)
        {
            return all.Take(f).ToList();
        }
        return last is { } l && all.Count > l ? all.GetRange(all.Count - l, l) : all;
    }
}

/// <summary>What a follower receives: a flow, or a notice that flows were lost.</summary>
public sealed record FlowEvent(FlowRecord? Record, LostEvents? Lost);

/// <summary>Lost events, named by where they were lost (Hubble's LostEventSource names).</summary>
public sealed record LostEvents(string Source, long Count)
{
    public const string PerfRing = "PERF_EVENT_RING_BUFFER";
    public const string ObserverQueue = "OBSERVER_EVENTS_QUEUE";
    public const string HubbleRing = "HUBBLE_RING_BUFFER";
}
