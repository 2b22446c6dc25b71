using LabSite.Grader.Evaluation.Answer;
using LabSite.Grader.Evaluation.Bpf;
using LabSite.Grader.Evaluation.Endpoint;
using LabSite.Grader.Evaluation.Flow;
using LabSite.Grader.Evaluation.Metric;
using LabSite.Grader.Evaluation.Object;
using LabSite.Grader.Evaluation.PolicyMap;
using LabSite.Grader.Evaluation.Probe;
using LabSite.Grader.Evaluation.Runtime;
using LabSite.Grader.Evaluation.Service;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation;

/// <summary>
/// Evaluates a step's checks against a live cluster, one evaluator per check kind. A cluster error while evaluating
/// becomes a "cannot check yet" result naming it, never an exception for the page or the CLI to show raw.
/// </summary>
public sealed class CheckEvaluator
{
    public async Task<CheckResult> EvaluateAsync(CheckSpec check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            // A check of a Cluster Mesh lab may look at another cluster of the mesh.
            if (check.Cluster is { } name)
            {
                if (context.Cluster is not LabSite.Clusters.Contract.IClusterMeshMember member || await member.FindMeshClusterAsync(name, ct) is not { } other)
                {
                    return CannotCheck.Because(check, check.Title, $"this lab's cluster has no cluster \"{name}\" in its Cluster Mesh");
                }
                context = context with { Cluster = other };
            }
            return check switch
            {
                FlowCheck f => await FlowCheckEvaluator.EvaluateAsync(f, context, ct),
                FlowRatioCheck r => await FlowRatioCheckEvaluator.EvaluateAsync(r, context, ct),
                PolicyMapCheck p => await PolicyMapCheckEvaluator.EvaluateAsync(p, context, ct),
                EndpointCheck e => await EndpointCheckEvaluator.EvaluateAsync(e, context, ct),
                ObjectCheck o => await ObjectCheckEvaluator.EvaluateAsync(o, context, ct),
                ProbeCheck p => await ProbeCheckEvaluator.EvaluateAsync(p, context, ct),
                AnswerCheck a => await AnswerCheckEvaluator.EvaluateAsync(a, context, ct),
                ServiceCheck s => await ServiceCheckEvaluator.EvaluateAsync(s, context, ct),
                MetricCheck m => await MetricCheckEvaluator.EvaluateAsync(m, context, ct),
                RuntimeCheck r => await RuntimeCheckEvaluator.EvaluateAsync(r, context, ct),
                BgpPeerCheck b => await Bgp.BgpCheckEvaluators.EvaluatePeerAsync(b, context, ct),
                RouterRouteCheck r => await Bgp.BgpCheckEvaluators.EvaluateRouteAsync(r, context, ct),
                AuthEntryCheck a => await Auth.AuthEntryCheckEvaluator.EvaluateAsync(a, context, ct),
                BpfProgramCheck b => await BpfProgramCheckEvaluator.EvaluateAsync(b, context, ct),
                EncryptionCheck e => await EncryptionCheckEvaluator.EvaluateAsync(e, context, ct),
                _ => CannotCheck.Because(check, check.Title, $"the grader has no evaluator for {check.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is LabSite.Clusters.Contract.ClusterException or InvalidOperationException or IOException)
        {
            return CannotCheck.Because(check, check.Title, $"the cluster could not answer ({e.Message})");
        }
    }

    /// <summary>
    /// Evaluates the checks one at a time, flow checks and metric checks that send nothing first: probes (and metric
    /// checks with traffic, runtime checks that run a command) send real traffic, which would otherwise show up as flows and counts the learner never
    /// caused. Results come back in the checks' own order.
    /// </summary>
    public async Task<IReadOnlyList<CheckResult>> EvaluateAllAsync(IReadOnlyList<CheckSpec> checks, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var results = new Dictionary<CheckSpec, CheckResult>(ReferenceEqualityComparer.Instance);
        foreach (var check in EvaluationOrder(checks))
        {
            results[check] = await EvaluateAsync(check, context, ct);
        }
        return checks.Select(c => results[c]).ToList();
    }

    /// <summary>Flow checks and passive metric and runtime checks, then the rest, each group in the author's order.</summary>
    public static IEnumerable<CheckSpec> EvaluationOrder(IEnumerable<CheckSpec> checks) =>
        checks.OrderBy(c => c is FlowCheck or FlowRatioCheck or MetricCheck { Traffic: null } or RuntimeCheck { Run: null } ? 0 : 1);
}
