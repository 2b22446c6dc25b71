using LabSite.Clusters.Contract.Identity;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// The HTTP rules one policy section grants on one port, and the peers they apply to. Shaped so the policy
/// compiler can hand it over without the proxy knowing about selectors: an empty <see cref="PeerIdentities"/> means
/// any peer (a <c>toPorts</c> without <c>fromEndpoints</c>).
/// </summary>
public sealed record L7RuleSet(IReadOnlyList<HttpRule> Rules, IReadOnlySet<NumericIdentity> PeerIdentities)
{
    public bool AppliesTo(NumericIdentity peer) => PeerIdentities.Count == 0 || PeerIdentities.Contains(peer);
}
