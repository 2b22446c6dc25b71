namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when a Hubble metric, summed over every series that carries <see cref="Labels"/> (as PromQL's
/// <c>sum(name{labels})</c>), compares with <see cref="Value"/> as asked. Without <see cref="Traffic"/> the value is
/// the counter as scraped (it starts at 0 with the lab's cluster); with it, the value is how much the counter rose
/// while the grader sent that traffic.
/// </summary>
/// <param name="Metric">A sample name of the catalog, e.g. <c>hubble_drop_total</c>.</param>
/// <param name="Labels">Label values every counted series must carry (a subset of its labels).</param>
public sealed record MetricCheck(
    string Id,
    string Title,
    SourceLocation Location,
    string Metric,
    IReadOnlyDictionary<string, string> Labels,
    MetricComparison Comparison,
    double Value,
    MetricTraffic? Traffic) : CheckSpec(Id, Title, Location);

/// <summary>How the metric's value must compare with the check's number (keys <c>equals</c>, <c>atLeast</c>, <c>atMost</c>).</summary>
public enum MetricComparison { EqualTo, AtLeast, AtMost }

/// <summary>Traffic the grader sends from a pod (as a probe does) while it watches the metric.</summary>
public sealed record MetricTraffic(PodSelector From, ProbeTarget Target, int TimeoutSeconds);
