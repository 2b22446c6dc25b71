using System.Diagnostics;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// A connection's one deadline, moved at every phase (idle, head, body, response): <see cref="Token"/> is cancelled
/// when the current phase's time is up, or when <c>stop</c> is. Moving it costs a clock read and an uncontended lock, not a timer re-arm
/// (re-arming with <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> several times per request was ~15 % of a
/// proxy thread's samples): the timer is re-armed only for a deadline earlier than the one it is set for, and when it
/// fires before the current deadline (the phase moved on), it re-arms itself for the rest. Real time, as CancelAfter.
/// </summary>
internal sealed class PhaseDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private long _due = long.MaxValue; // Stopwatch timestamp when the current phase's time is up
    private long _armedFor = long.MaxValue; // when the timer fires; MaxValue: not armed
    private bool _disposed;

    public PhaseDeadline(CancellationToken stop)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _timer = new Timer(static s => ((PhaseDeadline)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public CancellationToken Token => _cts.Token;

    // Longer (or infinite) timeouts never fire, as with CancelAfter(Timeout.InfiniteTimeSpan); below Timer's limit.
    private static readonly TimeSpan s_never = TimeSpan.FromDays(40);

    /// <summary>The current phase ends <paramref name="timeout"/> from now.</summary>
    public void Set(TimeSpan timeout)
    {
        var due = timeout < TimeSpan.Zero || timeout > s_never
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        // Under the lock, as Fire: a lock-free "timer fires earlier anyway" check could read a stale _armedFor while
        // Fire, having read the old _due, disarms the timer; the new deadline would then never fire.
        lock (_lock)
        {
            _due = due;
            if (due < _armedFor && !_disposed)
            {
                Arm(due, timeout);
            }
        }
    }

    private void Fire()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var due = _due;
            if (due == long.MaxValue)
            {
                _armedFor = long.MaxValue; // the current phase has no deadline
                return;
            }

            if (now < due)
            {
                Arm(due, Stopwatch.GetElapsedTime(now, due));
                return;
            }

            _armedFor = long.MaxValue;
        }

        // Outside the lock: cancelling runs the connection's registrations (which shut the socket a call waits on).
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and here: the connection is over anyway.
        }
    }

    private void Arm(long due, TimeSpan inTime)
    {
        _armedFor = due;
        _timer.Change(inTime, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _timer.Dispose();
        _cts.Dispose();
    }
}
