using System.Collections.Concurrent;
using LabSite.Web.Learners;

namespace LabSite.Web.Clusters;

/// <summary>
/// What the site knows about each learner cluster: whose it is, whether it runs, when it was last used, and how many
/// times the site created it (its generation: a terminal holding an older generation's cluster must start again).
/// Also holds one gate per cluster name: creating, restoring and expiring a cluster take it, so two tabs never
/// restore twice and expiry never deletes a cluster while it is being restored.
/// Entries are keyed by the learner's seat name (<see cref="Terminal.AgentClusterLocator.ClusterName"/>); the cluster
/// that serves it may have another name (<see cref="Entry.Cluster"/>: one claimed from the <see cref="Pool.WarmPool"/>),
/// so this is also the learner→cluster mapping every path (terminal, Check, reset, expiry) goes through.
/// </summary>
public sealed class ClusterActivity(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LearnerId, DateTimeOffset> _holds = new();

    /// <summary>One cluster's record. <see cref="Learner"/> is null for a learner cluster the agent listed but this site never used.</summary>
    /// <param name="Name">The seat name: the learner's key for the lab, also the cluster's name when it was created for them.</param>
    /// <param name="Cluster">The bound cluster's name when it differs from <paramref name="Name"/> (a claimed pool cluster).</param>
    public sealed record Entry(string Name, LearnerId? Learner, string? LabId, bool Running, DateTimeOffset LastUsed, int Generation, string? Cluster = null)
    {
        /// <summary>The name the agent knows the running cluster by.</summary>
        public string Actual => Cluster ?? Name;
    }

    /// <summary>A snapshot, sorted by name so sweeps are deterministic.</summary>
    public IReadOnlyList<Entry> Entries => _entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();

    public Entry? Find(string name) => _entries.GetValueOrDefault(name);

    public SemaphoreSlim Gate(string name) => _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));

    /// <summary>The learner used their running cluster now (terminal connect, Check).</summary>
    public void Touch(string name, LearnerId learner, string labId)
    {
        var now = clock.GetUtcNow();
        _entries.AddOrUpdate(name, _ => new Entry(name, learner, labId, true, now, 0),
            (_, e) => e with { Learner = learner, LabId = labId, Running = true, LastUsed = Max(e.LastUsed, now) });
    }

    /// <summary>The cluster was used at <paramref name="at"/> (terminal input, seen by the sweep); never moves time back.</summary>
    public void UsedAt(string name, DateTimeOffset at)
    {
        if (_entries.TryGetValue(name, out var e) && at > e.LastUsed)
        {
            _entries.TryUpdate(name, e with { LastUsed = at }, e);
        }
    }

    /// <summary>A learner cluster the agent runs that this site has no record of (the site restarted): idle from now on.</summary>
    public void Adopt(string name, string? labId) =>
        _entries.TryAdd(name, new Entry(name, null, labId, true, clock.GetUtcNow(), 0));

    /// <summary>
    /// The site created the cluster (fresh or restored) or bound a claimed pool cluster (<paramref name="cluster"/>) to the
    /// seat: terminals holding an older generation start again.
    /// </summary>
    public void Created(string name, LearnerId learner, string labId, string? cluster = null)
    {
        var now = clock.GetUtcNow();
        var bound = cluster == name ? null : cluster;
        _entries.AddOrUpdate(name, _ => new Entry(name, learner, labId, true, now, 1, bound),
            (_, e) => e with { Learner = learner, LabId = labId, Running = true, LastUsed = now, Generation = e.Generation + 1, Cluster = bound });
    }

    /// <summary>Whether some seat is bound to the cluster called <paramref name="cluster"/> (a claimed pool cluster).</summary>
    public bool IsBound(string cluster) => _entries.Values.Any(e => e.Running && e.Actual == cluster);

    /// <summary>The cluster was deleted; the record stays (its generation, its owner) for the next creation.</summary>
    public void Deleted(string name)
    {
        if (_entries.TryGetValue(name, out var e))
        {
            _entries.TryUpdate(name, e with { Running = false }, e);
        }
    }

    /// <summary>The learner's clusters are not reaped as idle until <paramref name="until"/> (a workshop attendee, until the event ends).</summary>
    public void Hold(LearnerId learner, DateTimeOffset until) =>
        _holds.AddOrUpdate(learner, until, (_, old) => old > until ? old : until);

    /// <summary>Replaces every hold with <paramref name="holds"/> (what the store says runs now: ended events lose theirs).</summary>
    public void SetHolds(IReadOnlyDictionary<LearnerId, DateTimeOffset> holds)
    {
        foreach (var learner in _holds.Keys.Where(l => !holds.ContainsKey(l)))
        {
            _holds.TryRemove(learner, out _);
        }
        foreach (var (learner, until) in holds)
        {
            _holds[learner] = until;
        }
    }

    public bool IsHeld(LearnerId learner) => _holds.TryGetValue(learner, out var until) && until > clock.GetUtcNow();

    public int Generation(string name) => _entries.TryGetValue(name, out var e) ? e.Generation : 0;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
