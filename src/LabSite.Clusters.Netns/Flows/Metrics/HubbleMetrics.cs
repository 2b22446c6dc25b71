using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Metrics;
using Prometheus;

namespace LabSite.Clusters.Netns.Flows.Metrics;

/// <summary>
/// One lab's Hubble metrics (handlers <c>flow</c>, <c>drop</c>, <c>tcp</c>, <c>dns</c>, <c>httpV2</c>), counted from
/// each flow as the lab observes it, in a prometheus-net registry of the lab's own. Scrapes only export the counters.
/// What each handler counts follows cilium/cilium <c>pkg/hubble/metrics/&lt;handler&gt;/handler.go</c>; labels are
/// registered sorted by name so the text reads as client_golang writes it. Thread-safe.
/// </summary>
public sealed class HubbleMetrics
{
    private static readonly IReadOnlyDictionary<uint, string> s_rcodes = new Dictionary<uint, string>
    {
        [0] = "No Error", [1] = "Format Error", [2] = "Server Failure", [3] = "Non-Existent Domain", [4] = "Not Implemented",
        [5] = "Query Refused", [6] = "Name Exists when it should not", [7] = "RR Set Exists when it should not",
        [8] = "RR Set that should exist does not", [9] = "Not Authorized", [10] = "Name not contained in zone",
    };

    private static readonly string[] s_tracePoints =
    [
        "to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay", "from-endpoint", "from-proxy", "from-host",
        "from-stack", "from-overlay", "from-network", "to-network", "from-crypto", "to-crypto",
    ];

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly Counter _flows;
    private readonly Counter _drops;
    private readonly Counter _tcpFlags;
    private readonly Counter _dnsQueries;
    private readonly Counter _dnsResponses;
    private readonly Counter _dnsResponseTypes;
    private readonly Counter _httpRequests;
    private readonly Histogram _httpDuration;

    public HubbleMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        Counter Count(HubbleMetric m) => factory.CreateCounter(m.Name, m.Help, Sorted(m));
        _flows = Count(HubbleMetricCatalog.FlowsProcessed);
        _drops = Count(HubbleMetricCatalog.Drop);
        _tcpFlags = Count(HubbleMetricCatalog.TcpFlags);
        _dnsQueries = Count(HubbleMetricCatalog.DnsQueries);
        _dnsResponses = Count(HubbleMetricCatalog.DnsResponses);
        _dnsResponseTypes = Count(HubbleMetricCatalog.DnsResponseTypes);
        _httpRequests = Count(HubbleMetricCatalog.HttpRequests);
        var duration = HubbleMetricCatalog.HttpRequestDuration;
        _httpDuration = factory.CreateHistogram(duration.Name, duration.Help, Sorted(duration),
            new HistogramConfiguration { Buckets = [.. HubbleMetricCatalog.DefaultBuckets] });
    }

    /// <summary>Counts one observed flow in every handler it concerns.</summary>
    public void Process(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var protocol = Protocol(flow);
        var (type, subtype) = TypeAndSubtype(flow);
        Inc(_flows, HubbleMetricCatalog.FlowsProcessed, ("protocol", protocol), ("type", type), ("subtype", subtype), ("verdict", flow.Verdict.ToString()));
        if (flow.Verdict == Verdict.DROPPED)
        {
            Inc(_drops, HubbleMetricCatalog.Drop, ("reason", flow.DropReasonDesc.ToString()), ("protocol", protocol));
        }

        CountTcpFlags(flow);
        CountDns(flow);
        CountHttp(flow);
    }

    /// <summary>The registry in the Prometheus text format 0.0.4, as <c>GET /metrics</c> serves it.</summary>
    public async Task<string> ExportAsync(CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(buffer, ct);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>hubble/api/v1 FlowProtocol: the L7 protocol of access-log flows, else the L4 protocol.</summary>
    public static string Protocol(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var type = flow.EventType?.Type ?? 0;
        if (type == MonitorEventType.AccessLog)
        {
            return flow.L7 switch
            {
                { Dns: not null } => "DNS",
                { Http: not null } => "HTTP",
                _ => "Unknown L7",
            };
        }

        if (type is MonitorEventType.Drop or MonitorEventType.Trace or MonitorEventType.PolicyVerdict or MonitorEventType.Capture)
        {
            return flow.L4 switch
            {
                { TCP: not null } => "TCP",
                { UDP: not null } => "UDP",
                { ICMPv4: not null } => "ICMPv4",
                { ICMPv6: not null } => "ICMPv6",
                { SCTP: not null } => "SCTP",
                _ => "Unknown L4",
            };
        }

        return "Unknown flow";
    }

    private static (string Type, string Subtype) TypeAndSubtype(Flow flow)
    {
        var type = flow.EventType?.Type ?? 0;
        var sub = flow.EventType?.SubType ?? 0;
        return type switch
        {
            MonitorEventType.AccessLog => ("L7", flow.L7 switch { { Dns: not null } => "DNS", { Http: not null } => "HTTP", _ => "" }),
            MonitorEventType.Drop => ("Drop", ""),
            MonitorEventType.Capture => ("Capture", ""),
            MonitorEventType.Trace => ("Trace", sub >= 0 && sub < s_tracePoints.Length ? s_tracePoints[sub] : ""),
            MonitorEventType.PolicyVerdict => ("PolicyVerdict", ""),
            _ => ("Unknown", type.ToString(CultureInfo.InvariantCulture)),
        };
    }

    private void CountTcpFlags(Flow flow)
    {
        if (flow.Verdict is not (Verdict.FORWARDED or Verdict.REDIRECTED) || flow.IP is not { } ip || flow.L4?.TCP?.Flags is not { } flags)
        {
            return;
        }

        var family = ip.IpVersion.ToString();
        foreach (var flag in new[] { flags.FIN ? "FIN" : null, flags.SYN ? (flags.ACK ? "SYN-ACK" : "SYN") : null, flags.RST ? "RST" : null })
        {
            if (flag is not null)
            {
                Inc(_tcpFlags, HubbleMetricCatalog.TcpFlags, ("flag", flag), ("family", family));
            }
        }
    }

    private void CountDns(Flow flow)
    {
        if (flow.L7?.Dns is not { } dns)
        {
            return;
        }

        var qtypes = string.Join(",", dns.Qtypes);
        var ips = dns.Ips.Count.ToString(CultureInfo.InvariantCulture);
        if (flow.Verdict == Verdict.DROPPED || flow.IsReply != true)
        {
            var rcode = flow.Verdict == Verdict.DROPPED ? "Policy denied" : "";
            Inc(_dnsQueries, HubbleMetricCatalog.DnsQueries, ("rcode", rcode), ("qtypes", qtypes), ("ips_returned", ips));
            return;
        }

        Inc(_dnsResponses, HubbleMetricCatalog.DnsResponses, ("rcode", s_rcodes.GetValueOrDefault(dns.Rcode, "")), ("qtypes", qtypes), ("ips_returned", ips));
        foreach (var rrtype in dns.Rrtypes)
        {
            Inc(_dnsResponseTypes, HubbleMetricCatalog.DnsResponseTypes, ("type", rrtype), ("qtypes", qtypes));
        }
    }

    // httpV2 counts responses only: one request per answered exchange, with its status and latency.
    private void CountHttp(Flow flow)
    {
        if (flow.L7 is not { Http: { } http, Type: L7FlowType.RESPONSE } l7)
        {
            return;
        }

        var reporter = flow.TrafficDirection switch
        {
            TrafficDirection.EGRESS => "client",
            TrafficDirection.INGRESS => "server",
            _ => "unknown",
        };
        Inc(_httpRequests, HubbleMetricCatalog.HttpRequests,
            ("method", http.Method), ("protocol", http.Protocol), ("status", http.Code.ToString(CultureInfo.InvariantCulture)), ("reporter", reporter));
        var values = Values(HubbleMetricCatalog.HttpRequestDuration, ("method", http.Method), ("reporter", reporter));
        _httpDuration.WithLabels(values).Observe(l7.LatencyNs / 1e9);
    }

    // Sorted once per metric, not per flow: every flow the lab observes (two per proxied HTTP request) passes here.
    private static readonly ConditionalWeakTable<HubbleMetric, string[]> s_sorted = new();

    private static string[] Sorted(HubbleMetric metric) => s_sorted.GetValue(metric, m => [.. m.Labels.Order(StringComparer.Ordinal)]);

    private static void Inc(Counter counter, HubbleMetric metric, params (string Name, string Value)[] labels) =>
        counter.WithLabels(Values(metric, labels)).Inc();

    private static string[] Values(HubbleMetric metric, params (string Name, string Value)[] labels)
    {
        var names = Sorted(metric);
        var values = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            foreach (var (name, value) in labels)
            {
                if (string.Equals(name, names[i], StringComparison.Ordinal))
                {
                    values[i] = value;
                    break;
                }
            }

            if (values[i] is null)
            {
                throw new KeyNotFoundException($"{metric.Name}: no value for label '{names[i]}'");
            }
        }
        return values;
    }
}
