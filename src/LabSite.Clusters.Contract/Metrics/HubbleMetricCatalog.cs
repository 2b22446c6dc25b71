namespace LabSite.Clusters.Contract.Metrics;

/// <summary>Prometheus metric types as the text format's <c># TYPE</c> line names them.</summary>
public enum MetricType { Counter, Histogram }

/// <summary>
/// One Hubble metric: its name, type, help text and labels, as cilium/cilium <c>pkg/hubble/metrics/&lt;handler&gt;/handler.go</c>
/// registers it without context options (<c>sourceContext</c>, <c>labelsContext</c>, ... are not modelled).
/// </summary>
/// <param name="Handler">The name in Cilium's <c>hubble.metrics.enabled</c> list that turns it on (flow, drop, tcp, dns, httpV2).</param>
/// <param name="Labels">The label names in upstream's order (the exposition sorts them by name, as client_golang does).</param>
public sealed record HubbleMetric(string Name, MetricType Type, string Help, IReadOnlyList<string> Labels, string Handler)
{
    /// <summary>The sample names the metric writes: itself, or for a histogram its _bucket, _sum and _count series.</summary>
    public IReadOnlyList<string> SampleNames => Type == MetricType.Histogram ? [Name + "_bucket", Name + "_sum", Name + "_count"] : [Name];
}

/// <summary>
/// The Hubble metrics a lab serves: those of the handlers <c>flow</c>, <c>drop</c>, <c>tcp</c>, <c>dns</c> and
/// <c>httpV2</c> (names, help and labels from cilium/cilium <c>pkg/hubble/metrics</c>). The one list the netns backend
/// registers and lab checks are validated against.
/// </summary>
public static class HubbleMetricCatalog
{
    /// <summary>The metrics port of the Cilium agent (<c>hubble.metrics.port</c>, default 9965).</summary>
    public const int Port = 9965;

    /// <summary>The headless Service Cilium's Helm chart creates for the metrics (<c>kube-system/hubble-metrics</c>).</summary>
    public const string ServiceName = "hubble-metrics";

    /// <summary>Prometheus' default histogram buckets (client_golang <c>prometheus.DefBuckets</c>), which Hubble's HTTP histogram uses.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static readonly HubbleMetric FlowsProcessed = new("hubble_flows_processed_total", MetricType.Counter, "Total number of flows processed", ["protocol", "type", "subtype", "verdict"], "flow");

    public static readonly HubbleMetric Drop = new("hubble_drop_total", MetricType.Counter, "Number of drops", ["reason", "protocol"], "drop");

    public static readonly HubbleMetric TcpFlags = new("hubble_tcp_flags_total", MetricType.Counter, "TCP flag occurrences", ["flag", "family"], "tcp");

    // Upstream gives all three DNS metrics the same help text.
    public static readonly HubbleMetric DnsQueries = new("hubble_dns_queries_total", MetricType.Counter, "Number of DNS queries observed", ["rcode", "qtypes", "ips_returned"], "dns");

    public static readonly HubbleMetric DnsResponses = new("hubble_dns_responses_total", MetricType.Counter, "Number of DNS queries observed", ["rcode", "qtypes", "ips_returned"], "dns");

    public static readonly HubbleMetric DnsResponseTypes = new("hubble_dns_response_types_total", MetricType.Counter, "Number of DNS queries observed", ["type", "qtypes"], "dns");

    public static readonly HubbleMetric HttpRequests = new("hubble_http_requests_total", MetricType.Counter, "Count of HTTP requests", ["method", "protocol", "status", "reporter"], "httpV2");

    public static readonly HubbleMetric HttpRequestDuration = new("hubble_http_request_duration_seconds", MetricType.Histogram, "Quantiles of HTTP request duration in seconds", ["method", "reporter"], "httpV2");

    public static IReadOnlyList<HubbleMetric> All { get; } =
        [FlowsProcessed, Drop, TcpFlags, DnsQueries, DnsResponses, DnsResponseTypes, HttpRequests, HttpRequestDuration];

    /// <summary>The metric that writes samples named <paramref name="sampleName"/> (a histogram's _bucket/_sum/_count included).</summary>
    public static HubbleMetric? ForSample(string sampleName) => All.FirstOrDefault(m => m.SampleNames.Contains(sampleName));

    /// <summary>The labels a sample of that name carries: the metric's, plus <c>le</c> on a histogram's buckets.</summary>
    public static IReadOnlyList<string> SampleLabels(string sampleName) => ForSample(sampleName) is not { } metric
        ? []
        : sampleName.EndsWith("_bucket", StringComparison.Ordinal) ? [.. metric.Labels, "le"] : metric.Labels;

    /// <summary>Every sample name a check may ask for, for error messages.</summary>
    public static IReadOnlyList<string> SampleNames { get; } = All.SelectMany(m => m.SampleNames).ToList();
}
