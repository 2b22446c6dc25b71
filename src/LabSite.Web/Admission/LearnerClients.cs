using System.Collections.Concurrent;
using LabSite.Web.Learners;

namespace LabSite.Web.Admission;

/// <summary>
/// Which client (<see cref="ClientKey"/>) each learner last came from, recorded by a middleware on every request, so the
/// per-client limit applies wherever a cluster is asked for (a terminal, a Check, the interactive player's circuit).
/// A client with fresh cookies is still the same client. Bounded: the oldest half is forgotten past <see cref="MaxLearners"/>.
/// </summary>
public sealed class LearnerClients(TimeProvider clock)
{
    public const int MaxLearners = 200_000;

    private readonly ConcurrentDictionary<LearnerId, (string Client, DateTimeOffset Seen)> _clients = new();

    public string? Find(LearnerId learner) => _clients.TryGetValue(learner, out var c) ? c.Client : null;

    public void Record(LearnerId learner, string client)
    {
        _clients[learner] = (client, clock.GetUtcNow());
        if (_clients.Count > MaxLearners)
        {
            foreach (var old in _clients.OrderBy(kv => kv.Value.Seen).Take(MaxLearners / 2).ToList())
            {
                _clients.TryRemove(old.Key, out _);
            }
        }
    }
}
