using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace LabSite.Clusters.Contract.Runtime;

/// <summary>
/// A lab's runtime-security events: the last <see cref="Capacity"/> Tetragon events plus live followers. Bounded
/// like the flow ring: a follower that cannot keep up loses events rather than slowing the sensor (counted in
/// <see cref="Lost"/>). Thread-safe; writers never block.
/// </summary>
public sealed class RuntimeEventRing(int capacity = RuntimeEventRing.DefaultCapacity, int followerBuffer = 1024)
{
    public const int DefaultCapacity = 4096;

    private readonly TetragonEvent?[] _ring = new TetragonEvent?[capacity];
    private readonly Lock _lock = new();
    private readonly List<Channel<TetragonEvent>> _followers = [];
    private long _written;
    private long _lost;

    public int Capacity => capacity;

    /// <summary>Events ever written.</summary>
    public long Written
    {
        get { lock (_lock) { return _written; } }
    }

    /// <summary>Live followers right now.</summary>
    public int Followers
    {
        get { lock (_lock) { return _followers.Count; } }
    }

    /// <summary>Events a slow follower did not receive.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    public void Write(TetragonEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Channel<TetragonEvent>[] followers;
        lock (_lock)
        {
            _ring[_written % capacity] = e;
            _written++;
            followers = [.. _followers];
        }

        foreach (var f in followers)
        {
            if (!f.Writer.TryWrite(e))
            {
                Interlocked.Increment(ref _lost);
            }
        }
    }

    /// <summary>The last <paramref name="last"/> matching events (null: all the ring holds), oldest first.</summary>
    public IReadOnlyList<TetragonEvent> History(TetragonFilter filter, int? last = null)
    {
        lock (_lock)
        {
            return Select(filter, last);
        }
    }

    /// <summary>
    /// The last <paramref name="last"/> matching events, then each new matching one until cancelled. History and
    /// registration happen under one lock, so nothing is missed or repeated in between.
    /// </summary>
    public async IAsyncEnumerable<TetragonEvent> FollowAsync(TetragonFilter filter, int last, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<TetragonEvent>(new BoundedChannelOptions(followerBuffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        IReadOnlyList<TetragonEvent> history;
        lock (_lock)
        {
            history = last > 0 ? Select(filter, last) : [];
            _followers.Add(channel);
        }

        try
        {
            foreach (var e in history)
            {
                yield return e;
            }

            while (await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    if (filter.Matches(e))
                    {
                        yield return e;
                    }
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _followers.Remove(channel);
            }
        }
    }

    /// <summary>Ends every follow (the lab is going away).</summary>
    public void Complete()
    {
        lock (_lock)
        {
            foreach (var f in _followers)
            {
                f.Writer.TryComplete();
            }
        }
    }

    private List<TetragonEvent> Select(TetragonFilter filter, int? last)
    {
        var count = (int)Math.Min(_written, capacity);
        var all = new List<TetragonEvent>(count);
        for (var i = _written - count; i < _written; i++)
        {
            var e = _ring[i % capacity]!;
            if (filter.Matches(e))
            {
                all.Add(e);
            }
        }

        return last is { } l && all.Count > l ? all.GetRange(all.Count - l, l) : all;
    }
}

/// <summary>A runtime-event query: Tetragon's filters and how much history (null: all the ring holds).</summary>
public sealed record RuntimeEventQuery(TetragonFilter Filter, int? Last = null)
{
    public static readonly RuntimeEventQuery All = new(TetragonFilter.All);
}
