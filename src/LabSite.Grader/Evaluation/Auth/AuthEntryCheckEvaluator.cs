using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Auth;

/// <summary>
/// Evaluates <c>auth-entry</c> checks against the auth map as <c>cilium-dbg bpf auth list</c> shows it: an unexpired
/// entry whose source identity is a <c>local</c> pod's and whose destination identity is a <c>remote</c> pod's.
/// Evidence: the auth map's rows.
/// </summary>
public static class AuthEntryCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(AuthEntryCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var pair = $"{check.Local} with {check.Remote}";
        var expected = check.Present ? $"the auth map authenticates {pair}" : $"the auth map does not authenticate {pair}";
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }
        if (await inspector.GetAuthEntriesAsync(ct) is not { } entries)
        {
            return CannotCheck.Because(check, expected, $"cluster {context.Cluster.Name} has no mutual authentication");
        }
        var locals = (await PodResolver.EndpointsAsync(inspector, check.Local, ct)).Select(e => e.Identity).ToHashSet();
        var remotes = (await PodResolver.EndpointsAsync(inspector, check.Remote, ct)).Select(e => e.Identity).ToHashSet();
        var evidence = AuthEntryModel.ToText(entries).TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()).ToList();
        if (locals.Count == 0 || remotes.Count == 0)
        {
            var missing = locals.Count == 0 ? check.Local : check.Remote;
            return new CheckResult(check.Id, check.Title, check.Present ? CheckOutcome.Failed : CheckOutcome.Passed, expected,
                await PodResolver.NoneMatchAsync(context.Cluster, missing, ct), evidence, check.Present ? check.OnFail ?? "Create the pods first (kubectl get pods)." : null);
        }
        var now = DateTimeOffset.UtcNow;
        var match = entries.FirstOrDefault(e => locals.Contains(e.LocalIdentity) && remotes.Contains(e.RemoteIdentity) && e.Expiration > now);
        var observed = match is null
            ? $"no unexpired entry from identity {string.Join("/", locals.Order())} to {string.Join("/", remotes.Order())} ({entries.Count} entries in all)"
            : $"{match.Node} authenticated identity {match.LocalIdentity} with {match.RemoteIdentity} (remote node {match.RemoteNodeId}) until {AuthEntryModel.GoTime(match.Expiration)}";
        var passed = (match is not null) == check.Present;
        var advice = check.Present
            ? "A policy rule with authentication.mode: required makes the datapath ask for a handshake at the pair's first packet: send some traffic (kubectl exec ... -- curl ...)."
            : "Revoking an identity (spire-server entry delete) removes its entries; until then the pair stays authenticated.";
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed, evidence,
            passed ? null : check.OnFail ?? advice);
    }
}
