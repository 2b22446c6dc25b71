using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Endpoint;

/// <summary>
/// Evaluates an endpoint check on every endpoint of the selected pods: policy enforcement per direction, identity
/// labels (subset, without the <c>k8s:</c> source), and same/different identity as other pods. Evidence: the rows of
/// <c>cilium-dbg endpoint list</c> for the endpoints it looked at.
/// </summary>
public static class EndpointCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(EndpointCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var expected = Expected(check);
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }

        var endpoints = await PodResolver.EndpointsAsync(inspector, check.Pod, ct);
        if (endpoints.Count == 0)
        {
            return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected,
                await PodResolver.NoneMatchAsync(context.Cluster, check.Pod, ct), [], check.OnFail ?? "Create the pods first (kubectl get pods).");
        }

        var shown = endpoints.ToList();
        var problems = new List<string>();
        var facts = new List<string>();
        if (check.IngressEnforcement is { } ingress)
        {
            Enforcement(endpoints, "ingress", ingress, e => e.IngressEnforcement, problems, facts);
        }
        if (check.EgressEnforcement is { } egress)
        {
            Enforcement(endpoints, "egress", egress, e => e.EgressEnforcement, problems, facts);
        }
        if (check.IdentityLabels is { } labels)
        {
            var identities = await inspector.GetIdentitiesAsync(ct);
            foreach (var e in endpoints)
            {
                var have = (identities.FirstOrDefault(i => i.Id == e.Identity)?.Labels ?? e.Labels).Select(PodResolver.StripSource).ToHashSet(StringComparer.Ordinal);
                var missing = labels.Where(l => !have.Contains($"{l.Key}={l.Value}")).Select(l => $"{l.Key}={l.Value}").ToList();
                if (missing.Count > 0)
                {
                    problems.Add($"identity {e.Identity} of {e.PodName} lacks {string.Join(", ", missing)}");
                }
            }
            facts.Add($"identity labels include {string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"))}");
        }
        if (check.SameIdentityAs is { } same)
        {
            await CompareAsync(inspector, context.Cluster, endpoints, same, mustEqual: true, problems, facts, shown, ct);
        }
        if (check.DifferentIdentityFrom is { } different)
        {
            await CompareAsync(inspector, context.Cluster, endpoints, different, mustEqual: false, problems, facts, shown, ct);
        }

        var evidence = EndpointModel.ToText(shown.DistinctBy(e => e.Id)).TrimEnd('\n').Split('\n').ToList();
        if (check.FqdnCacheHas is not null || check.FqdnCacheLacks is not null)
        {
            if (await inspector.GetFqdnCacheAsync(ct) is not { } cache)
            {
                return new CheckResult(check.Id, check.Title, CheckOutcome.CannotCheck, expected,
                    "this cluster keeps no FQDN cache (no DNS proxy), so what pods looked up cannot be read", evidence);
            }
            var mine = cache.Where(c => endpoints.Any(e => e.Id == c.Endpoint)).ToList();
            FqdnCache(endpoints, mine, check.FqdnCacheHas ?? [], check.FqdnCacheLacks ?? [], problems, facts);
            evidence.Add("");
            evidence.AddRange(FqdnCacheEntry.ToText(mine).TrimEnd('\n').Split('\n'));
        }
        return problems.Count == 0
            ? new CheckResult(check.Id, check.Title, CheckOutcome.Passed, expected, string.Join("; ", facts), evidence)
            : new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, string.Join("; ", problems), evidence,
                check.OnFail ?? "Run `cilium-dbg endpoint list` and compare the rows below with what the step asks for.");
    }

    /// <summary>Every endpoint has each wanted name (with an address), and none has an unwanted one.</summary>
    private static void FqdnCache(IReadOnlyList<EndpointModel> endpoints, List<FqdnCacheEntry> cache, IReadOnlyList<string> has, IReadOnlyList<string> lacks, List<string> problems, List<string> facts)
    {
        foreach (var e in endpoints)
        {
            var names = cache.Where(c => c.Endpoint == e.Id && c.Ips.Count > 0).Select(c => c.Fqdn).ToHashSet(StringComparer.Ordinal);
            var missing = has.Where(n => !names.Contains(n)).ToList();
            var unwanted = lacks.Where(names.Contains).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"endpoint {e.Id} ({e.PodName}) has no FQDN cache entry for {string.Join(", ", missing)}");
            }
            if (unwanted.Count > 0)
            {
                problems.Add($"endpoint {e.Id} ({e.PodName}) has {string.Join(", ", unwanted)} in its FQDN cache");
            }
        }
        if (has.Count > 0)
        {
            facts.Add($"the FQDN cache holds {string.Join(", ", has)}");
        }
        if (lacks.Count > 0)
        {
            facts.Add($"the FQDN cache holds no {string.Join(", ", lacks)}");
        }
    }

    private static string Expected(EndpointCheck check)
    {
        var parts = new List<string>();
        if (check.FqdnCacheHas is { Count: > 0 } has)
        {
            parts.Add($"{string.Join(", ", has)} in its FQDN cache");
        }
        if (check.FqdnCacheLacks is { Count: > 0 } lacks)
        {
            parts.Add($"no {string.Join(", ", lacks)} in its FQDN cache");
        }
        if (check.IngressEnforcement is { } i)
        {
            parts.Add($"ingress policy enforcement {i.ToString().ToLowerInvariant()}");
        }
        if (check.EgressEnforcement is { } e)
        {
            parts.Add($"egress policy enforcement {e.ToString().ToLowerInvariant()}");
        }
        if (check.IdentityLabels is { } labels)
        {
            parts.Add($"an identity with labels {string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"))}");
        }
        if (check.SameIdentityAs is { } same)
        {
            parts.Add($"the same identity as {same}");
        }
        if (check.DifferentIdentityFrom is { } different)
        {
            parts.Add($"a different identity from {different}");
        }
        return $"every endpoint of {check.Pod} has {string.Join(" and ", parts)}";
    }

    private static void Enforcement(IReadOnlyList<EndpointModel> endpoints, string direction, PolicyEnforcement want, Func<EndpointModel, string> cell, List<string> problems, List<string> facts)
    {
        var wanted = want == PolicyEnforcement.Enabled ? "Enabled" : "Disabled";
        foreach (var e in endpoints)
        {
            // "Disabled (Audit)" counts as disabled: audit mode does not drop.
            var actual = cell(e).StartsWith("Disabled", StringComparison.Ordinal) ? "Disabled" : cell(e);
            if (actual != wanted)
            {
                problems.Add($"endpoint {e.Id} ({e.PodName}) has {direction} enforcement {cell(e)}");
            }
        }
        facts.Add($"{direction} enforcement {wanted} on {string.Join(", ", endpoints.Select(e => e.PodName))}");
    }

    private static async Task CompareAsync(IClusterInspector inspector, ILabCluster cluster, IReadOnlyList<EndpointModel> endpoints, PodSelector other, bool mustEqual, List<string> problems, List<string> facts, List<EndpointModel> shown, CancellationToken ct)
    {
        var others = await PodResolver.EndpointsAsync(inspector, other, ct);
        if (others.Count == 0)
        {
            problems.Add(await PodResolver.NoneMatchAsync(cluster, other, ct));
            return;
        }
        shown.AddRange(others);
        foreach (var e in endpoints)
        {
            foreach (var o in others.Where(o => o.Id != e.Id))
            {
                var same = e.Identity == o.Identity;
                if (same != mustEqual)
                {
                    problems.Add(mustEqual
                        ? $"{e.PodName} has identity {e.Identity.ToString(CultureInfo.InvariantCulture)} but {o.PodName} has {o.Identity.ToString(CultureInfo.InvariantCulture)}"
                        : $"{e.PodName} and {o.PodName} share identity {e.Identity.ToString(CultureInfo.InvariantCulture)}");
                }
            }
        }
        var ids = string.Join(", ", endpoints.Concat(others).DistinctBy(e => e.Id).Select(e => $"{e.PodName}={e.Identity}"));
        facts.Add($"identities {ids}");
    }
}
