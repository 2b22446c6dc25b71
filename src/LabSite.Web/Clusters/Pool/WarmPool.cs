using System.Security.Cryptography;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Web.Admission;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Clusters.Pool;

/// <summary>
/// Ready lab clusters nobody owns yet, so a learner (above all a workshop attendee at 9:00) gets one at once instead of
/// waiting for a start. Backend-agnostic: it only creates and destroys through <see cref="IClusterBackend"/>, so kind,
/// whose clusters take minutes, gets the same pool. Targets come from <see cref="WarmPoolOptions.Labs"/> (any learner)
/// and from workshops (<see cref="SetWorkshopTargets"/>: only that workshop's attendees claim those, before the rest).
/// A claim is one removal under the pool's lock, so a cluster is handed to one person only; from then on it is the
/// learner's (bound in <see cref="ClusterActivity"/>) and the pool never touches it again. Every pool cluster holds an
/// admission slot (<see cref="ClusterAdmission.EnterPool"/>) from before its creation, so the pool counts in the
/// host's capacity and never fills room people wait in line for: while anyone waits, it gives general clusters back.
/// </summary>
public sealed partial class WarmPool(
    IClusterBackend? backend, IOptions<WarmPoolOptions> options, TimeProvider clock, ILogger<WarmPool> log,
    ClusterAdmission? admission = null, LabClusterRequests? requests = null, ClusterActivity? activity = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private Dictionary<(string Lab, string? Workshop), int> _workshopTargets = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    // One pass at a time (the filler's and a test's or the bench's): two would both see the same deficit and overshoot.
    private readonly SemaphoreSlim _filling = new(1, 1);
    private bool _orphansCleared;

    private enum State { Creating, Ready, Leaving }

    private sealed record Member(string Name, string LabId, string? Workshop, State State, DateTimeOffset Since);

    /// <summary>A cluster handed to a learner: it is theirs now.</summary>
    public sealed record Claim(string Name, string LabId, string? Workshop);

    /// <summary>Ready and creating (of one lab, or all); claimed, created and failed since start (all labs).</summary>
    public sealed record Snapshot(int Ready, int Creating, int Claimed, int Created, int Failed);

    private int _claimed;
    private int _created;
    private int _failed;

    /// <summary>Set when a claim or a new target wants the filler to run now rather than at its next interval.</summary>
    public SemaphoreSlim Wake => _wake;

    /// <summary>
    /// Hands a ready cluster of <paramref name="labId"/> to a learner: one of <paramref name="workshop"/>'s first, else a
    /// general one; null when none is ready. Atomic: two callers never get the same cluster.
    /// </summary>
    public Claim? TryClaim(string labId, string? workshop)
    {
        Claim? claim = null;
        lock (_lock)
        {
            var member = _members.Values
                .Where(m => m.State == State.Ready && m.LabId == labId && (m.Workshop is null || m.Workshop == workshop))
                .OrderBy(m => m.Workshop is null ? 1 : 0).ThenBy(m => m.Since).FirstOrDefault();
            if (member is not null)
            {
                _members.Remove(member.Name);
                _claimed++;
                claim = new Claim(member.Name, member.LabId, member.Workshop);
            }
        }
        if (claim is not null)
        {
            Poke();
        }
        return claim;
    }

    /// <summary>A claim the caller could not use (admission refused it; it was not bound): ready again for the next.</summary>
    public void Return(Claim claim)
    {
        lock (_lock)
        {
            _members[claim.Name] = new Member(claim.Name, claim.LabId, claim.Workshop, State.Ready, clock.GetUtcNow());
            _claimed--;
        }
    }

    /// <summary>Replaces the workshops' targets: ready clusters per (first lab, workshop). Ended ones drop to none.</summary>
    public void SetWorkshopTargets(IReadOnlyDictionary<(string Lab, string Workshop), int> targets)
    {
        lock (_lock)
        {
            _workshopTargets = targets.Where(t => t.Value > 0).ToDictionary(t => (t.Key.Lab, (string?)t.Key.Workshop), t => t.Value);
        }
        Poke();
    }

    public Snapshot Read(string? labId = null)
    {
        lock (_lock)
        {
            var members = _members.Values.Where(m => labId is null || m.LabId == labId).ToList();
            return new Snapshot(members.Count(m => m.State == State.Ready), members.Count(m => m.State == State.Creating), _claimed, _created, _failed);
        }
    }

    /// <summary>
    /// One pass: deletes what is over target (or what people waiting in line need), then creates what is missing, at
    /// most <see cref="WarmPoolOptions.Parallelism"/> at a time. Returns how many clusters it created.
    /// </summary>
    public async Task<int> FillAsync(CancellationToken ct)
    {
        if (backend is null)
        {
            return 0;
        }
        await _filling.WaitAsync(ct);
        try
        {
            return await FillOnceAsync(ct);
        }
        finally
        {
            _filling.Release();
        }
    }

    private async Task<int> FillOnceAsync(CancellationToken ct)
    {
        if (!_orphansCleared)
        {
            await ClearOrphansAsync(ct);
            _orphansCleared = true;
        }
        foreach (var name in Surplus())
        {
            await DestroyAsync(name, "over target");
        }
        var jobs = Missing();
        var created = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct }, async (job, token) =>
        {
            if (await CreateAsync(job.Lab, job.Workshop, token))
            {
                Interlocked.Increment(ref created);
            }
        });
        return created;
    }

    /// <summary>Deletes every unclaimed cluster (the site stops).</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        List<string> names;
        lock (_lock)
        {
            names = _members.Values.Where(m => m.State == State.Ready).Select(m => m.Name).ToList();
            foreach (var name in names)
            {
                _members[name] = _members[name] with { State = State.Leaving };
            }
        }
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            await DestroyAsync(name, "site stopping");
        }
    }

    private Dictionary<(string Lab, string? Workshop), int> TargetsLocked()
    {
        var targets = new Dictionary<(string Lab, string? Workshop), int>(_workshopTargets);
        foreach (var (lab, size) in options.Value.Labs.Where(l => l.Value > 0))
        {
            targets[(lab, null)] = size;
        }
        // a lab that does not declare the deployment's backend gets no pool: its learners are refused, saying why
        foreach (var key in targets.Keys.Where(k => requests?.Declares(k.Lab) == false).ToList())
        {
            targets.Remove(key);
        }
        return targets;
    }

    /// <summary>Ready clusters beyond their target; plus one general cluster while people wait in line (its slot is theirs).</summary>
    private List<string> Surplus()
    {
        var waiting = admission?.Read().Waiting > 0;
        lock (_lock)
        {
            var targets = TargetsLocked();
            var leaving = new List<string>();
            foreach (var group in _members.Values.Where(m => m.State != State.Leaving).GroupBy(m => (m.LabId, m.Workshop)))
            {
                var over = group.Count() - targets.GetValueOrDefault(group.Key);
                leaving.AddRange(group.Where(m => m.State == State.Ready).OrderByDescending(m => m.Since).Take(Math.Max(0, over)).Select(m => m.Name));
            }
            if (waiting && leaving.Count == 0 && _members.Values.FirstOrDefault(m => m.State == State.Ready && m.Workshop is null) is { } general)
            {
                leaving.Add(general.Name);
            }
            foreach (var name in leaving)
            {
                _members[name] = _members[name] with { State = State.Leaving };
            }
            return leaving;
        }
    }

    private List<(string Lab, string? Workshop)> Missing()
    {
        var waiting = admission?.Read().Waiting > 0;
        lock (_lock)
        {
            var jobs = new List<(string, string?)>();
            foreach (var (key, target) in TargetsLocked())
            {
                if (waiting && key.Workshop is null)
                {
                    continue;
                }
                var have = _members.Values.Count(m => m.State != State.Leaving && m.LabId == key.Lab && m.Workshop == key.Workshop);
                jobs.AddRange(Enumerable.Repeat(key, Math.Max(0, target - have)));
            }
            return jobs;
        }
    }

    private async Task<bool> CreateAsync(string labId, string? workshop, CancellationToken ct)
    {
        var name = NewName(labId);
        if (admission?.EnterPool(name, workshop) == false)
        {
            return false;
        }
        lock (_lock)
        {
            _members[name] = new Member(name, labId, workshop, State.Creating, clock.GetUtcNow());
        }
        try
        {
            // Not the pass's token: a stopping site must not leave half a cluster; DrainAsync deletes it afterwards.
            await backend!.CreateAsync((requests ?? LabClusterRequests.Plain).For(name, labId), progress: null, CancellationToken.None);
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _members.Remove(name);
                _failed++;
            }
            admission?.Release(name);
            log.LogWarning(e, "Creating pool cluster {Cluster} for lab {Lab} failed", name, labId);
            await backend!.DestroyAsync(name, CancellationToken.None);
            return false;
        }
        admission?.Created(name);
        lock (_lock)
        {
            _members[name] = _members[name] with { State = State.Ready, Since = clock.GetUtcNow() };
            _created++;
        }
        return true;
    }

    private async Task DestroyAsync(string name, string why)
    {
        try
        {
            await backend!.DestroyAsync(name, CancellationToken.None);
            log.LogInformation("Deleted pool cluster {Cluster}: {Why}", name, why);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Deleting pool cluster {Cluster} failed", name);
        }
        lock (_lock)
        {
            _members.Remove(name);
        }
        admission?.Release(name);
    }

    /// <summary>
    /// Pool clusters an earlier run of the site left (it knew which were claimed; this one does not): deleted, since one
    /// may hold someone's work. Their learners get a cluster restored from their progress on next use.
    /// </summary>
    private async Task ClearOrphansAsync(CancellationToken ct)
    {
        foreach (var running in await backend!.ListAsync(ct))
        {
            bool known;
            lock (_lock)
            {
                known = _members.ContainsKey(running.Name);
            }
            if (IsPoolClusterName(running.Name) && !known && activity?.IsBound(running.Name) != true)
            {
                await DestroyAsync(running.Name, "left by an earlier run of the site");
            }
        }
    }

    private void Poke()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another claim woke the filler first: once is enough.
            }
        }
    }

    /// <summary>A DNS label of at most 32 characters: <c>p</c> + 8 random hex digits + the lab id, cut to fit.</summary>
    public static string NewName(string labId)
    {
        var name = "p" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "-" + labId.ToLowerInvariant();
        return (name.Length > 32 ? name[..32] : name).TrimEnd('-');
    }

    /// <summary>Whether a cluster the agent lists has the shape of <see cref="NewName"/> (this site's pool made it).</summary>
    public static bool IsPoolClusterName(string name) => PoolClusterName().IsMatch(name);

    [GeneratedRegex("^p[0-9a-f]{8}-[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PoolClusterName();
}
