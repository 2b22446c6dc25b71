using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>
/// Cilium's selector-cache idea: every distinct selector used by some rule is evaluated once against the set of
/// known identities, and kept up to date as identities come and go, so compiling an endpoint never re-scans labels.
/// Selections are sorted so results (and tests) are deterministic. Not thread-safe: the policy engine's lock guards it.
/// </summary>
public sealed class SelectorCache
{
    private readonly Dictionary<NumericIdentity, LabelSet> _identities = [];
    private readonly Dictionary<EndpointSelector, SortedSet<NumericIdentity>> _selections = [];

    /// <summary>The identities <paramref name="selector"/> selects now (adding the selector to the cache).</summary>
    public IReadOnlyCollection<NumericIdentity> Select(EndpointSelector selector)
    {
        if (!_selections.TryGetValue(selector, out var set))
        {
            set = new SortedSet<NumericIdentity>(_identities.Where(kv => selector.Matches(kv.Value)).Select(kv => kv.Key));
            _selections[selector] = set;
        }
        return set;
    }

    /// <summary>Records a new identity; returns the cached selectors whose selection changed.</summary>
    public IReadOnlyList<EndpointSelector> AddIdentity(NumericIdentity id, LabelSet labels)
    {
        _identities[id] = labels;
        var changed = new List<EndpointSelector>();
        foreach (var (sel, set) in _selections)
        {
            if (sel.Matches(labels) && set.Add(id))
            {
                changed.Add(sel);
            }
        }
        return changed;
    }

    /// <summary>Forgets an identity; returns the cached selectors whose selection changed.</summary>
    public IReadOnlyList<EndpointSelector> RemoveIdentity(NumericIdentity id)
    {
        _identities.Remove(id);
        var changed = new List<EndpointSelector>();
        foreach (var (sel, set) in _selections)
        {
            if (set.Remove(id))
            {
                changed.Add(sel);
            }
        }
        return changed;
    }

    /// <summary>Drops cached selectors no rule uses any more.</summary>
    public void Retain(IReadOnlySet<EndpointSelector> inUse)
    {
        foreach (var sel in _selections.Keys.Where(s => !inUse.Contains(s)).ToList())
        {
            _selections.Remove(sel);
        }
    }

    public int Count => _selections.Count;
}
