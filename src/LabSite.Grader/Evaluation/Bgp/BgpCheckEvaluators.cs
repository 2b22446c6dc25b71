using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Bgp;

/// <summary>
/// Evaluates <c>bgp-peer</c> checks (the speakers' sessions, as <c>cilium bgp peers</c> shows them) and
/// <c>router-route</c> checks (the lab router's RIB, as <c>vtysh -c 'show ip route'</c> holds it). Evidence: the
/// <c>cilium bgp peers</c> table, or the router's routes for the prefix.
/// </summary>
public static class BgpCheckEvaluators
{
    public static async Task<CheckResult> EvaluatePeerAsync(BgpPeerCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var who = check.Peer is null ? "a BGP session" : $"the BGP session with {check.Peer}";
        var expected = $"{who} is {check.State}";
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }
        if (await inspector.GetBgpPeersAsync(ct) is not { } peers)
        {
            return CannotCheck.Because(check, expected, $"cluster {context.Cluster.Name} runs no BGP control plane");
        }
        var evidence = BgpPeerModel.ToCiliumText(peers).TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()).ToList();
        var candidates = peers.Where(p => check.Peer is null || p.PeerAddress == check.Peer).ToList();
        if (candidates.Any(p => p.SessionState == check.State))
        {
            var match = candidates.First(p => p.SessionState == check.State);
            return new CheckResult(check.Id, check.Title, CheckOutcome.Passed, expected,
                $"{match.Node} (AS {match.LocalAsn}) and {match.PeerAddress} (AS {match.PeerAsn}) are {match.SessionState}", evidence);
        }
        var observed = candidates.Count == 0
            ? peers.Count == 0 ? "the speakers have no BGP peers" : $"no speaker has a peer {check.Peer}"
            : string.Join("; ", candidates.Select(p => $"{p.Node} and {p.PeerAddress} are {p.SessionState}"));
        var advice = candidates.Count == 0
            ? "A CiliumBGPClusterConfig whose nodeSelector matches the node gives it peers (peerAddress, peerASN); `cilium bgp peers` lists them."
            : "Check the peer's AS (the lab router is AS 65000 at 172.30.0.1) and the local AS; sessions take a few seconds to establish.";
        return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, observed, evidence, check.OnFail ?? advice);
    }

    public static async Task<CheckResult> EvaluateRouteAsync(RouterRouteCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var what = check.Prefix == RouterRouteCheck.PodCidr ? "the node's pod CIDR" : check.Prefix;
        var expected = check.Present
            ? $"the lab router has a {check.Protocol} route to {what}"
            : $"the lab router has no {check.Protocol} route to {what}";
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }
        var router = await inspector.GetRouterAsync(ct);
        if (router is null)
        {
            // No router yet means no routes: an absence check holds, a presence check fails with the reason.
            return check.Present
                ? new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, "the lab has no router yet", [],
                    check.OnFail ?? "The router starts with the first BGP object (CiliumBGPClusterConfig, CiliumBGPPeerConfig or CiliumBGPAdvertisement).")
                : new CheckResult(check.Id, check.Title, CheckOutcome.Passed, expected, "the lab has no router, so no routes", []);
        }
        var prefixes = check.Prefix == RouterRouteCheck.PodCidr ? router.Nodes.Select(n => n.PodCidr).ToList() : [check.Prefix];
        var evidence = router.Routes.Where(r => prefixes.Contains(r.Prefix))
            .Select(r => $"{r.Prefix} {r.Protocol}{(r.NextHop is { } nh ? " via " + nh : "")}{(r.Selected ? " selected" : "")}{(r.Installed ? " installed" : "")}")
            .ToList();
        var missing = prefixes.Where(p => !router.Routes.Any(r => r.Prefix == p && r.Protocol == check.Protocol && r.Selected)).ToList();
        var ok = check.Present ? missing.Count == 0 : missing.Count == prefixes.Count;
        var observed = check.Present
            ? missing.Count == 0 ? $"the router has {string.Join(", ", prefixes)} via {check.Protocol}" : $"the router has no {check.Protocol} route to {string.Join(", ", missing)}"
            : missing.Count == prefixes.Count ? $"the router has no {check.Protocol} route to {string.Join(", ", prefixes)}" : $"the router still has {string.Join(", ", prefixes.Except(missing))} via {check.Protocol}";
        var advice = check.Present
            ? "A CiliumBGPAdvertisement selected by the peer's CiliumBGPPeerConfig (families[].advertisements) announces it; compare `cilium bgp routes advertised ipv4 unicast` with `vtysh -c 'show ip route'`."
            : "Withdraw it by removing the advertisement (or its selector's match); `vtysh -c 'show ip route'` shows what the router still has.";
        return new CheckResult(check.Id, check.Title, ok ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed, evidence, ok ? null : check.OnFail ?? advice);
    }
}
