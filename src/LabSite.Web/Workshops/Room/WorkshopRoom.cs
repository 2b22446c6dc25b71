using LabSite.Scenarios.Model;

namespace LabSite.Web.Workshops.Room;

/// <summary>The room is paused at step <see cref="StepNumber"/> of <see cref="LabId"/>: attendees cannot go past it, nor into later labs.</summary>
public sealed record PaceLock(string LabId, string StepId, int StepNumber, string StepTitle)
{
    /// <summary>Whether an attendee may open <paramref name="step"/> of <paramref name="labId"/> in a workshop with <paramref name="labIds"/>.</summary>
    public bool Allows(IReadOnlyList<string> labIds, string labId, LabStep step)
    {
        if (labId == LabId)
        {
            return step.Index + 1 <= StepNumber;
        }
        var locked = labIds.ToList().IndexOf(LabId);
        var asked = labIds.ToList().IndexOf(labId);
        return locked < 0 || asked < 0 || asked < locked;
    }
}

/// <summary>What the console and every attendee's player read about the room: title, labs, the clock, pacing, the broadcast.</summary>
/// <param name="PausedAt">The event clock is paused since then: time stands still, and resuming moves the end by the pause.</param>
public sealed record RoomSettings(
    string Title, IReadOnlyList<string> LabIds, DateTimeOffset EndsAt, PaceLock? Pace, string? Broadcast, DateTimeOffset? BroadcastAt,
    DateTimeOffset? PausedAt = null)
{
    /// <summary>Time left at <paramref name="now"/>: frozen at the pause while paused, never negative.</summary>
    public TimeSpan Remaining(DateTimeOffset now)
    {
        var left = EndsAt - (PausedAt is { } paused && paused < now ? paused : now);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}

/// <summary>Take-over of an attendee's terminal: asked by an instructor, then granted (or refused, or revoked) by the attendee.</summary>
public sealed record Takeover(string By, bool Granted);

/// <summary>
/// One running workshop, live: the roster the monitor publishes, the room's settings, and what exists only while the
/// room runs (who has the player open, take-over consents, reset counts that move an attendee's page). Every change
/// raises <see cref="Changed"/> once, outside the lock; listeners re-read what they show (they run on other threads).
/// </summary>
public sealed class WorkshopRoom(string workshopId, RoomSettings settings)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _players = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Takeover> _takeovers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _resets = new(StringComparer.Ordinal);
    private int _viewers;

    public string WorkshopId { get; } = workshopId;

    public RoomSettings Settings { get; private set; } = settings;

    public Roster Roster { get; private set; } = Roster.Empty;

    public event Action? Changed;

    /// <summary>Consoles watching now: the monitor grades only rooms someone watches.</summary>
    public int Viewers
    {
        get
        {
            lock (_gate)
            {
                return _viewers;
            }
        }
    }

    /// <summary>A console watches the room until the returned handle is disposed.</summary>
    public IDisposable Watch() => Count(() => _viewers++, () => _viewers--);

    /// <summary>An attendee's player is open (one per tab) until the returned handle is disposed.</summary>
    public IDisposable Enter(string attendeeId) => Count(
        () => _players[attendeeId] = _players.GetValueOrDefault(attendeeId) + 1,
        () =>
        {
            if (--_players[attendeeId] == 0)
            {
                _players.Remove(attendeeId);
            }
        });

    public bool IsPresent(string attendeeId)
    {
        lock (_gate)
        {
            return _players.ContainsKey(attendeeId);
        }
    }

    public void Publish(Roster roster) => Change(() => Roster = roster);

    public void Update(RoomSettings settings) => Change(() => Settings = settings);

    public Takeover? TakeoverOf(string attendeeId)
    {
        lock (_gate)
        {
            return _takeovers.GetValueOrDefault(attendeeId);
        }
    }

    /// <summary>Whether input from a shadow of this attendee's terminal may reach their shell: only after they granted it.</summary>
    public bool InputAllowed(string attendeeId) => TakeoverOf(attendeeId) is { Granted: true };

    public void RequestTakeover(string attendeeId, string by) => Change(() => _takeovers[attendeeId] = new Takeover(by, false));

    /// <summary>The attendee consents; false when nobody asked (a forged or stale click grants nothing).</summary>
    public bool GrantTakeover(string attendeeId)
    {
        var granted = false;
        Change(() =>
        {
            if (_takeovers.TryGetValue(attendeeId, out var asked))
            {
                _takeovers[attendeeId] = asked with { Granted = true };
                granted = true;
            }
        });
        return granted;
    }

    /// <summary>The attendee refuses or revokes, or the instructor hands back: input from shadows stops at once.</summary>
    public void EndTakeover(string attendeeId) => Change(() => _takeovers.Remove(attendeeId));

    /// <summary>How many times the instructor reset or caught up this attendee while the site ran: their page reloads when it moves.</summary>
    public int ResetsOf(string attendeeId)
    {
        lock (_gate)
        {
            return _resets.GetValueOrDefault(attendeeId);
        }
    }

    public void Reset(string attendeeId) => Change(() =>
    {
        _resets[attendeeId] = _resets.GetValueOrDefault(attendeeId) + 1;
        _takeovers.Remove(attendeeId);
    });

    private IDisposable Count(Action add, Action remove)
    {
        Change(add);
        return new Handle(() => Change(remove));
    }

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
        }
        Changed?.Invoke();
    }

    private sealed class Handle(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
