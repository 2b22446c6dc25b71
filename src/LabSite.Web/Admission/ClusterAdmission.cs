using LabSite.Web.Learners;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Admission;

/// <summary>
/// Site-wide admission of learner clusters: never more than <see cref="AdmissionOptions.Capacity"/> at once, a
/// first-in-first-out line when full, at most <see cref="AdmissionOptions.PerClientLimit"/> held or waiting per client,
/// and the seats of workshops in their window reserved. A slot is taken before a cluster is created and given back when
/// it is deleted (<see cref="Release"/>), which admits the head of the line. Pure bookkeeping under one lock: the
/// cluster locator and expiry call it; it never touches a backend.
/// </summary>
public sealed class ClusterAdmission(IOptions<AdmissionOptions> options, LearnerClients clients, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly LinkedList<Waiter> _line = new();
    private readonly Dictionary<string, LinkedListNode<Waiter>> _waiting = new(StringComparer.Ordinal);
    private Dictionary<string, int> _seats = new(StringComparer.Ordinal);
    private Dictionary<LearnerId, string> _attendees = [];

    /// <summary>A slot: the cluster runs (<see cref="Created"/>) or was admitted and is about to be created.</summary>
    /// <param name="Pooled">Held by the warm pool for nobody yet: its creation may take minutes (kind), so it is never pruned.</param>
    private sealed record Slot(LearnerId? Learner, string? Client, string? Workshop, bool Created, DateTimeOffset Since, bool Pooled = false);

    private sealed class Waiter(string cluster, LearnerId learner, string? client, string? workshop, DateTimeOffset seen)
    {
        public string Cluster { get; } = cluster;
        public LearnerId Learner { get; } = learner;
        public string? Client { get; } = client;
        public string? Workshop { get; } = workshop;
        public DateTimeOffset Seen { get; set; } = seen;
        public TaskCompletionSource Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Counts for tests, health and the bench.</summary>
    public sealed record Snapshot(int Capacity, int Reserved, int Slots, int Running, int Waiting, IReadOnlyDictionary<string, int> SlotsByClient, int Pooled = 0);

    public int Capacity => options.Value.Capacity;

    /// <summary>Raised (outside the lock) when the line moves or slots change.</summary>
    public event Action? Changed;

    /// <summary>Asks for a slot for <paramref name="cluster"/>, the learner's cluster; asking again while waiting keeps the place.</summary>
    public AdmissionDecision Enter(string cluster, LearnerId learner)
    {
        AdmissionDecision decision;
        var changed = false;
        lock (_lock)
        {
            changed = PruneLocked();
            var now = clock.GetUtcNow();
            if (_slots.ContainsKey(cluster))
            {
                decision = AdmissionDecision.Admitted;
            }
            else if (_waiting.TryGetValue(cluster, out var node))
            {
                node.Value.Seen = now;
                decision = new AdmissionDecision(AdmissionOutcome.Queued, PositionLocked(node));
            }
            else
            {
                var workshop = _attendees.GetValueOrDefault(learner);
                var client = clients.Find(learner);
                decision = DecideLocked(cluster, learner, client, workshop, now);
                changed |= decision.Outcome != AdmissionOutcome.Refused;
            }
        }
        if (changed)
        {
            Changed?.Invoke();
        }
        return decision;
    }

    private AdmissionDecision DecideLocked(string cluster, LearnerId learner, string? client, string? workshop, DateTimeOffset now)
    {
        var o = options.Value;
        // A workshop's attendees use its reserved seats first, and are not held to the per-client limit: a classroom
        // shares one address.
        if (workshop is not null && _seats.TryGetValue(workshop, out var seats) && CountLocked(workshop) < seats)
        {
            _slots[cluster] = new Slot(learner, client, workshop, false, now);
            return AdmissionDecision.Admitted;
        }
        if (client is not null && workshop is null)
        {
            var held = _slots.Values.Count(s => s.Client == client) + _line.Count(w => w.Client == client);
            if (held >= o.PerClientLimit)
            {
                return new AdmissionDecision(AdmissionOutcome.Refused, RetryAfter: TimeSpan.FromMinutes(1), Reason:
                    $"Your network address ({client}) already holds or waits for {held} lab clusters, the most one client may " +
                    $"({o.PerClientLimit}). Close a lab you no longer use (its cluster is deleted when idle), then try again.");
            }
        }
        if (_line.Count == 0 && GeneralUsedLocked() < GeneralCapacityLocked())
        {
            _slots[cluster] = new Slot(learner, client, workshop, false, now);
            return AdmissionDecision.Admitted;
        }
        if (_line.Count >= o.MaxQueue)
        {
            return new AdmissionDecision(AdmissionOutcome.Refused, RetryAfter: TimeSpan.FromMinutes(1), Reason:
                $"This host runs all the lab clusters it can and {_line.Count} learners are already waiting. Please try again in a few minutes.");
        }
        var node = _line.AddLast(new Waiter(cluster, learner, client, workshop, now));
        _waiting[cluster] = node;
        return new AdmissionDecision(AdmissionOutcome.Queued, _line.Count);
    }

    /// <summary>
    /// A slot for a warm pool cluster, never queued: a pool only fills room nobody waits for. A workshop's clusters take its
    /// reserved seats (never beyond them); the others general room. Refused when that is full.
    /// </summary>
    public bool EnterPool(string cluster, string? workshop)
    {
        lock (_lock)
        {
            PruneLocked();
            if (_slots.ContainsKey(cluster))
            {
                return true;
            }
            var now = clock.GetUtcNow();
            // A workshop in its window pre-warms within its seats only; outside it (a longer pool lead) from the general room.
            if (workshop is not null && _seats.TryGetValue(workshop, out var seats))
            {
                if (CountLocked(workshop) >= seats)
                {
                    return false;
                }
            }
            else if (_line.Count > 0 || GeneralUsedLocked() >= GeneralCapacityLocked())
            {
                return false;
            }
            _slots[cluster] = new Slot(null, null, workshop, false, now, Pooled: true);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>
    /// A learner claimed the pool cluster <paramref name="cluster"/>: its slot becomes theirs, under the same rules as a
    /// new slot. Refused when the learner's client already holds its limit (an attendee is not held to it), or when people
    /// wait in line and this is not a workshop attendee: a warm cluster never lets someone jump the line.
    /// </summary>
    public AdmissionDecision ClaimPooled(string cluster, LearnerId learner)
    {
        lock (_lock)
        {
            if (!_slots.TryGetValue(cluster, out var slot))
            {
                return new AdmissionDecision(AdmissionOutcome.Refused, Reason: $"the pool cluster {cluster} holds no slot");
            }
            var workshop = _attendees.GetValueOrDefault(learner);
            var client = clients.Find(learner);
            if (workshop is null)
            {
                if (_line.Count > 0)
                {
                    return new AdmissionDecision(AdmissionOutcome.Refused, Reason: "learners are waiting in line");
                }
                if (client is not null && _slots.Values.Count(s => s.Client == client) >= options.Value.PerClientLimit)
                {
                    return new AdmissionDecision(AdmissionOutcome.Refused, RetryAfter: TimeSpan.FromMinutes(1), Reason:
                        $"Your network address ({client}) already holds {options.Value.PerClientLimit} lab clusters, the most one client may. " +
                        "Close a lab you no longer use (its cluster is deleted when idle), then try again.");
                }
            }
            _slots[cluster] = slot with { Learner = learner, Client = client, Workshop = workshop ?? slot.Workshop, Pooled = false };
        }
        Changed?.Invoke();
        return AdmissionDecision.Admitted;
    }

    /// <summary>The workshop (id) whose seats the learner uses now, or null.</summary>
    public string? WorkshopOf(LearnerId learner)
    {
        lock (_lock)
        {
            return _attendees.GetValueOrDefault(learner);
        }
    }

    /// <summary>The cluster was created on its slot: it holds the slot until <see cref="Release"/>.</summary>
    public void Created(string cluster)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(cluster, out var slot))
            {
                _slots[cluster] = slot with { Created = true, Since = clock.GetUtcNow() };
            }
        }
    }

    /// <summary>The cluster was deleted (or its creation failed): its slot goes to the head of the line.</summary>
    public void Release(string cluster)
    {
        lock (_lock)
        {
            if (!_slots.Remove(cluster))
            {
                return;
            }
            PumpLocked();
        }
        Changed?.Invoke();
    }

    /// <summary>The waiter went away (closed the terminal): its place in line is given up.</summary>
    public void Leave(string cluster)
    {
        lock (_lock)
        {
            if (!_waiting.Remove(cluster, out var node))
            {
                return;
            }
            _line.Remove(node);
        }
        Changed?.Invoke();
    }

    /// <summary>The cluster's place in line (1 = next), or null when it is not waiting; asking keeps the place.</summary>
    public int? Position(string cluster)
    {
        lock (_lock)
        {
            PruneLocked();
            if (!_waiting.TryGetValue(cluster, out var node))
            {
                return null;
            }
            node.Value.Seen = clock.GetUtcNow();
            return PositionLocked(node);
        }
    }

    /// <summary>Completes when the waiting cluster is admitted (at once if it holds a slot); faults if it left the line.</summary>
    public Task TurnAsync(string cluster)
    {
        lock (_lock)
        {
            if (_slots.ContainsKey(cluster))
            {
                return Task.CompletedTask;
            }
            return _waiting.TryGetValue(cluster, out var node)
                ? node.Value.Turn.Task
                : Task.FromException(new InvalidOperationException($"the lab cluster {cluster} is not waiting for a turn"));
        }
    }

    /// <summary>
    /// The workshops in their window now: seats reserved per workshop id, and which learner attends which. Replaces the
    /// previous set (ended workshops give their seats back).
    /// </summary>
    public void SetWorkshops(IReadOnlyDictionary<string, int> seats, IReadOnlyDictionary<LearnerId, string> attendees)
    {
        lock (_lock)
        {
            _seats = new Dictionary<string, int>(seats, StringComparer.Ordinal);
            _attendees = new Dictionary<LearnerId, string>(attendees);
            PumpLocked();
        }
        Changed?.Invoke();
    }

    /// <summary>Someone joined a workshop just now (before the next <see cref="SetWorkshops"/>).</summary>
    public void AddAttendee(LearnerId learner, string workshop, int seats)
    {
        lock (_lock)
        {
            _attendees[learner] = workshop;
            _seats.TryAdd(workshop, seats);
        }
    }

    /// <summary>The window in which a workshop's seats are reserved: from <see cref="AdmissionOptions.WorkshopLead"/> before its start to its end.</summary>
    public bool InWorkshopWindow(DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var now = clock.GetUtcNow();
        return now >= startsAt - options.Value.WorkshopLead && now < endsAt;
    }

    /// <summary>
    /// Matches the slots to the learner clusters the agent listed at <paramref name="listedAt"/>: a created cluster that is
    /// gone (the agent restarted, someone deleted it) gives its slot back; a running one this site had no slot for
    /// (the site restarted) takes one, even beyond the capacity, as it runs anyway.
    /// </summary>
    public void Reconcile(IReadOnlyCollection<string> running, DateTimeOffset listedAt)
    {
        lock (_lock)
        {
            var set = running.ToHashSet(StringComparer.Ordinal);
            foreach (var (name, slot) in _slots.ToList())
            {
                if (slot.Created && slot.Since < listedAt && !set.Contains(name))
                {
                    _slots.Remove(name);
                }
            }
            foreach (var name in set.Where(n => !_slots.ContainsKey(n)))
            {
                _slots[name] = new Slot(null, null, null, true, listedAt);
                if (_waiting.Remove(name, out var node))
                {
                    _line.Remove(node);
                }
            }
            PruneLocked();
            PumpLocked();
        }
        Changed?.Invoke();
    }

    public Snapshot Read()
    {
        lock (_lock)
        {
            PruneLocked();
            return new Snapshot(
                Capacity, _seats.Values.Sum(), _slots.Count, _slots.Values.Count(s => s.Created), _line.Count,
                _slots.Values.Where(s => s.Client is not null).GroupBy(s => s.Client!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                _slots.Values.Count(s => s.Pooled));
        }
    }

    private int PositionLocked(LinkedListNode<Waiter> node)
    {
        var position = 1;
        for (var n = _line.First; n is not null && n != node; n = n.Next)
        {
            position++;
        }
        return position;
    }

    private int CountLocked(string workshop) => _slots.Values.Count(s => s.Workshop == workshop);

    /// <summary>Slots outside the reservations: everyone else's, plus a workshop's beyond its seats.</summary>
    private int GeneralUsedLocked()
    {
        var general = 0;
        var byWorkshop = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var slot in _slots.Values)
        {
            if (slot.Workshop is { } w && _seats.ContainsKey(w))
            {
                byWorkshop[w] = byWorkshop.GetValueOrDefault(w) + 1;
            }
            else
            {
                general++;
            }
        }
        return general + byWorkshop.Sum(kv => Math.Max(0, kv.Value - _seats[kv.Key]));
    }

    private int GeneralCapacityLocked() => Math.Max(0, Capacity - _seats.Values.Sum());

    /// <summary>Admits the head of the line while there is room, in order.</summary>
    private void PumpLocked()
    {
        var now = clock.GetUtcNow();
        while (_line.First is { } head && GeneralUsedLocked() < GeneralCapacityLocked())
        {
            _line.RemoveFirst();
            _waiting.Remove(head.Value.Cluster);
            var w = head.Value;
            _slots[w.Cluster] = new Slot(w.Learner, w.Client, w.Workshop, false, now);
            w.Turn.TrySetResult();
        }
    }

    /// <summary>Drops waiters who stopped asking and admitted slots nobody came to use; true when anything went.</summary>
    private bool PruneLocked()
    {
        var now = clock.GetUtcNow();
        var timeout = options.Value.QueueTimeout;
        var removed = false;
        foreach (var (name, slot) in _slots.Where(s => !s.Value.Created && !s.Value.Pooled && now - s.Value.Since > timeout).ToList())
        {
            _slots.Remove(name);
            removed = true;
        }
        for (var node = _line.First; node is not null;)
        {
            var next = node.Next;
            if (now - node.Value.Seen > timeout)
            {
                _line.Remove(node);
                _waiting.Remove(node.Value.Cluster);
                node.Value.Turn.TrySetException(new InvalidOperationException($"the lab cluster {node.Value.Cluster} left the line: nobody asked for it for {timeout:c}"));
                removed = true;
            }
            node = next;
        }
        if (removed)
        {
            PumpLocked();
        }
        return removed;
    }
}
