using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Grader.Evaluation.Probe;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Metric;

/// <summary>
/// Evaluates a metric check: scrapes the cluster's Hubble metrics (Prometheus text), sums the series that carry the
/// check's labels and compares. With traffic, it scrapes before and after sending it from the pod and compares the
/// rise. Evidence: the matching series as the endpoint printed them and, with traffic, the command that was sent.
/// </summary>
public static class MetricCheckEvaluator
{
    /// <summary>How many series lines a result carries as evidence.</summary>
    public const int EvidenceLines = 8;

    /// <summary>
    /// How long to wait after the traffic before the second scrape: the datapath reports the traffic's last packets
    /// through the perf ring a moment after the client gives up.
    /// </summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(1);

    public static async Task<CheckResult> EvaluateAsync(MetricCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var series = PrometheusText.Series(check.Metric, check.Labels);
        var expected = Expected(check, series);
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }

        var before = await ScrapeAsync(check, inspector, ct);
        if (before is null)
        {
            return CannotCheck.Because(check, expected, $"the {context.Cluster.Backend} backend of cluster {context.Cluster.Name} serves no Hubble metrics");
        }

        if (check.Traffic is not { } traffic)
        {
            return Judge(check, expected, before.Value.Sum, $"{series} is {Number(before.Value.Sum)}", before.Value.Lines, []);
        }

        var pods = await PodResolver.PodsAsync(context.Cluster, traffic.From, ct);
        var pod = pods.FirstOrDefault(p => (string?)p.Json["status"]?["phase"] == "Running");
        if (pod is null)
        {
            var why = pods.Count == 0 ? await PodResolver.NoneMatchAsync(context.Cluster, traffic.From, ct) : $"no pod of {traffic.From} is Running";
            return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, $"could not send the traffic: {why}", [], check.OnFail ?? "Start the pod first and wait until it is Running.");
        }

        var command = ProbeCommand.For(traffic.Target, traffic.TimeoutSeconds);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        int exit;
        try
        {
            exit = await context.Cluster.ExecAsync(
                new ExecRequest(pod.Namespace ?? traffic.From.Namespace, pod.Name, command, TimeSpan.FromSeconds(traffic.TimeoutSeconds + 5)),
                new ExecStreams(stdout, stderr), ct);
        }
        catch (ClusterException e)
        {
            return CannotCheck.Because(check, expected, $"could not run {command[0]} in pod {pod.Name}: {e.Message}");
        }

        await Task.Delay(SettleDelay, ct);
        var after = await ScrapeAsync(check, inspector, ct) ?? (0, []);
        var reading = ProbeCommand.Read(traffic.Target, exit, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
        var rise = after.Sum - before.Value.Sum;
        var observed = $"{series} rose by {Number(rise)} (from {Number(before.Value.Sum)} to {Number(after.Sum)}) while {pod.Name} sent the traffic ({reading.Detail})";
        return Judge(check, expected, rise, observed, after.Lines, ["$ " + ProbeCommand.Display(pod.Name, command), $"exit code {exit.ToString(CultureInfo.InvariantCulture)}"]);
    }

    /// <summary>The sum of the matching series and their lines; null when the cluster serves no metrics.</summary>
    private static async Task<(double Sum, IReadOnlyList<string> Lines)?> ScrapeAsync(MetricCheck check, IClusterInspector inspector, CancellationToken ct)
    {
        var text = await inspector.GetHubbleMetricsAsync(ct);
        if (text is null)
        {
            return null;
        }

        IReadOnlyList<MetricSample> samples;
        try
        {
            samples = PrometheusText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"the cluster's metrics are not in the Prometheus text format ({e.Message})", e);
        }

        var matching = samples
            .Where(s => s.Name == check.Metric && check.Labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .ToList();
        return (matching.Sum(s => s.Value), matching.Select(s => $"{s.Series} {Number(s.Value)}").ToList());
    }

    private static CheckResult Judge(MetricCheck check, string expected, double value, string observed, IReadOnlyList<string> lines, IReadOnlyList<string> command)
    {
        var passed = check.Comparison switch
        {
            MetricComparison.EqualTo => value == check.Value,
            MetricComparison.AtLeast => value >= check.Value,
            _ => value <= check.Value,
        };
        var evidence = command.Concat(lines.Count == 0 ? [$"(no {check.Metric} series with these labels yet: Hubble writes a series at its first count)"] : lines.Take(EvidenceLines)).ToList();
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, $"{observed}, expected {Wanted(check)}", evidence,
            passed ? null : check.OnFail ?? Advice(check));
    }

    private static string Expected(MetricCheck check, string series) => check.Traffic is { } t
        ? $"{series} rises by {Wanted(check)} while {t.From} sends {Describe(t.Target)}"
        : $"{series} is {Wanted(check)}";

    private static string Wanted(MetricCheck check) => check.Comparison switch
    {
        MetricComparison.EqualTo => Number(check.Value),
        MetricComparison.AtLeast => $"at least {Number(check.Value)}",
        _ => $"at most {Number(check.Value)}",
    };

    private static string Describe(ProbeTarget target) => target switch
    {
        HttpProbe h => $"{h.Method} {h.Url}",
        TcpProbe t => $"a TCP connection to {t.Host}:{t.Port}",
        DnsProbe d => $"a DNS lookup of {d.Name}",
        _ => "traffic",
    };

    private static string Advice(MetricCheck check) =>
        $"Read the metric yourself: kubectl exec <pod> -- curl -s http://{HubbleMetricCatalog.ServiceName}.kube-system.svc.cluster.local:{HubbleMetricCatalog.Port}/metrics | grep {check.Metric}"
        + (check.Metric == HubbleMetricCatalog.Drop.Name ? "; `hubble observe --verdict DROPPED` shows which flows are dropped." : ".");

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
