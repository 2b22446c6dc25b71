using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// Everything that redirects one (endpoint, direction, port) to the proxy: rule sets from every policy that selects
/// it. Rule sets add up (policies are a union of allows); within a set, rules OR.
/// </summary>
public sealed record L7PortPolicy(IReadOnlyList<L7RuleSet> RuleSets)
{
    /// <summary>Judges one request; fails closed (deny) if a regex times out, naming the reason.</summary>
    public L7Decision Evaluate(NumericIdentity peer, HttpRequestHead request)
    {
        try
        {
            return EvaluateRules(peer, request);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException e)
        {
            return L7Decision.Deny($"HTTP rule regex '{e.Pattern}' timed out after {e.MatchTimeout.TotalMilliseconds} ms; denied");
        }
    }

    /// <summary>
    /// Whether any rule set covers <paramref name="peer"/>. One that none covers has no allow on this port at all,
    /// so the datapath drops it at L3/L4 instead of redirecting it.
    /// </summary>
    public bool Covers(NumericIdentity peer) => RuleSets.Any(s => s.AppliesTo(peer));

    private L7Decision EvaluateRules(NumericIdentity peer, HttpRequestHead request)
    {
        var actions = new List<HeaderMatch>();
        var peerKnown = false;
        foreach (var set in RuleSets)
        {
            if (!set.AppliesTo(peer))
            {
                continue;
            }

            peerKnown = true;
            foreach (var rule in set.Rules)
            {
                if (rule.Matches(request, actions))
                {
                    return new L7Decision(true, actions, $"allowed by {rule}");
                }

                actions.Clear();
            }
        }

        return L7Decision.Deny(peerKnown
            ? $"no HTTP rule matches {request.Method} {request.PathAndQuery}"
            : $"no HTTP rule applies to peer identity {peer.Value}");
    }
}
