using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Flow;

/// <summary>
/// Evaluates a flow-ratio check: counts, per split entry, the flows in the window matching the filter with that entry's
/// destination (one <c>hubble observe</c> query each), and passes when there are at least <c>minCount</c> in all and
/// every entry's share is within the tolerance of what the split asks. Evidence is one line per destination.
/// </summary>
public static class FlowRatioCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(FlowRatioCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var windowText = check.Window == CheckWindow.Step ? "since this step started" : "since the lab started";
        var wanted = string.Join(", ", check.Split.Select(s => $"{s.Share}% to {s.To}"));
        var expected = $"at least {check.MinCount} flow(s) {windowText} matching `{FlowQueryBuilder.Command(check.Filter)}`, split {wanted} (±{check.Tolerance} points)";
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }

        var since = Timestamp.FromDateTimeOffset(check.Window == CheckWindow.Step ? context.StepStartedAt : context.LabStartedAt);
        var counts = new List<int>();
        foreach (var share in check.Split)
        {
            var filter = check.Filter with { To = share.To };
            counts.Add((await inspector.GetFlowsAsync(new FlowQuery(FlowQueryBuilder.Build(filter), Last: null, All: true, Since: since), ct)).Count);
        }
        var total = counts.Sum();
        var percents = counts.Select(c => total == 0 ? 0.0 : 100.0 * c / total).ToList();
        var offBy = check.Split.Select((s, i) => Math.Abs(percents[i] - s.Share)).ToList();
        var passed = total >= check.MinCount && offBy.All(d => d <= check.Tolerance);
        var evidence = check.Split.Select((s, i) => string.Create(CultureInfo.InvariantCulture,
            $"{s.To}: {counts[i]} flow(s), {percents[i]:0.#}% (wanted {s.Share}%): `{FlowQueryBuilder.Command(check.Filter with { To = s.To })}`")).ToList();
        var observed = total == 0
            ? $"no matching flow {windowText}"
            : string.Create(CultureInfo.InvariantCulture, $"{total} matching flow(s) {windowText}: {string.Join(", ", percents.Select(p => $"{p:0.#}%"))}");
        string? advice = null;
        if (!passed)
        {
            advice = check.OnFail ?? (total < check.MinCount
                ? $"Only {total} of the {check.MinCount} flows needed so far; send more requests (a loop of curl), then check again."
                : $"The split is off by up to {offBy.Max().ToString("0.#", CultureInfo.InvariantCulture)} points; look at the weights that decide it, then send a fresh batch of requests.");
        }
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed, evidence, advice);
    }
}
