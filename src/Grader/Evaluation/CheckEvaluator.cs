namespace LabSite.Grader.Evaluation;

using LabSite.Grader.Evaluation.Answer;
using LabSite.Grader.Evaluation.Endpoint;
using LabSite.Grader.Evaluation.Flow;
using LabSite.Grader.Evaluation.Object;
using LabSite.Grader.Evaluation.PolicyMap;
using LabSite.Grader.Evaluation.Probe;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;

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
            return check switch
            {
                FlowCheck f => await FlowCheckEvaluator.EvaluateAsync(f, context, ct),
                PolicyMapCheck p => await PolicyMapCheckEvaluator.EvaluateAsync(p, context, ct),
                EndpointCheck e => await EndpointCheckEvaluator.EvaluateAsync(e, context, ct),
                ObjectCheck o => await ObjectCheckEvaluator.EvaluateAsync(o, context, ct),
                ProbeCheck p => await ProbeCheckEvaluator.EvaluateAsync(p, context, ct),
                AnswerCheck a => await AnswerCheckEvaluator.EvaluateAsync(a, context, ct),
                _ => CannotCheck.Because(check, check.Title, $"the grader has no evaluator for {check.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is LabSite.Sandbox.ClusterException or InvalidOperationException or IOException)
        {
            return CannotCheck.Because(check, check.Title, $"the cluster could not answer ({e.Message})");
        }
    }

    /// <summary>Evaluates the checks in order (probes change flows, so order matters and they do not run in parallel).</summary>
    public async Task<IReadOnlyList<CheckResult>> EvaluateAllAsync(IEnumerable<CheckSpec> checks, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var results = new List<CheckResult>();
        foreach (var check in checks)
        {
            results.Add(await EvaluateAsync(check, context, ct));
        }
        return results;
    }
}
