using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Grader.Explain;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Flow;

/// <summary>
/// Evaluates a flow check: counts the flows in the check's window that match its Hubble filter and compares the count
/// with the expectation. Evidence is the matching flows in Hubble's compact format or, when none match, the flows
/// between the same pods that did happen (the near misses the learner should look at); a failure with drops among
/// them ends with <see cref="DropExplainer"/>'s "why was this dropped?" for the newest drop.
/// </summary>
public static class FlowCheckEvaluator
{
    /// <summary>How many flow lines a result carries as evidence (the newest ones).</summary>
    public const int EvidenceLines = 5;

    public static async Task<CheckResult> EvaluateAsync(FlowCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var command = FlowQueryBuilder.Command(check.Filter);
        var since = check.Window == CheckWindow.Step ? context.StepStartedAt : context.LabStartedAt;
        var windowText = check.Window == CheckWindow.Step ? "since this step started" : "since the lab started";
        var expected = check.Expect == FlowExpectation.Exists
            ? $"at least {check.MinCount} flow(s) {windowText} matching `{command}`"
            : $"no flow {windowText} matching `{command}`";
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }

        var window = Timestamp.FromDateTimeOffset(since);
        var matching = await inspector.GetFlowsAsync(new FlowQuery(FlowQueryBuilder.Build(check.Filter), Last: null, All: true, Since: window), ct);
        var count = matching.Count;
        var passed = check.Expect == FlowExpectation.Exists ? count >= check.MinCount : count == 0;

        IReadOnlyList<FlowRecord> evidenceFlows = matching;
        string observed;
        if (count > 0)
        {
            observed = $"{count} matching flow(s) {windowText}";
        }
        else
        {
            evidenceFlows = await inspector.GetFlowsAsync(new FlowQuery(FlowQueryBuilder.PodsOnly(check.Filter), Last: null, All: true, Since: window), ct);
            observed = evidenceFlows.Count == 0
                ? $"no matching flow {windowText}, and no flow at all between these pods"
                : $"no matching flow {windowText}; {evidenceFlows.Count} other flow(s) between these pods (newest below)";
        }

        var evidence = evidenceFlows.TakeLast(EvidenceLines).Select(r => FlowPrinter.Compact(r).TrimEnd('\n')).ToList();
        // A failure because packets were dropped says why, from the live maps: the newest drop is explained.
        if (!passed && evidenceFlows.LastOrDefault(r => r.Flow.Verdict == Verdict.DROPPED) is { } drop)
        {
            evidence.AddRange((await DropExplainer.ExplainAsync(context.Cluster, drop.Flow, ct)).ToLines());
        }
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed, evidence,
            passed ? null : check.OnFail ?? Advice(check, count));
    }

    private static string Advice(FlowCheck check, int count) => check.Expect == FlowExpectation.Exists
        ? count == 0
            ? $"Generate the traffic (e.g. with kubectl exec ... -- curl), then run `{FlowQueryBuilder.Command(check.Filter)}` to see it."
            : $"Only {count} of the {check.MinCount} flows needed so far; send the traffic again."
        : $"These flows should not happen; look at them with `{FlowQueryBuilder.Command(check.Filter)}` and at the policy that should stop them.";
}
