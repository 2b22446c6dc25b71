using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Clusters.Netns.Flows.Metrics;

namespace LabSite.Clusters.Netns.Tests.Flows.Metrics;

public sealed class HubbleMetricsTests
{
    private static Flow Tcp(Verdict verdict, TCPFlags flags, int eventType, int subType = 0, DropReason reason = DropReason.DROP_REASON_UNKNOWN) => new()
    {
        Verdict = verdict,
        DropReasonDesc = reason,
        IP = new IP { Source = "10.1.0.2", Destination = "10.1.0.3", IpVersion = IPVersion.IPv4 },
        L4 = new Layer4 { TCP = new TCP(40000, 80, flags) },
        EventType = new CiliumEventType(eventType, subType),
        Type = FlowType.L3_L4,
    };

    private static Flow HttpResponse(TrafficDirection direction, uint code, ulong latencyNs) => new()
    {
        Verdict = Verdict.FORWARDED,
        EventType = new CiliumEventType(MonitorEventType.AccessLog),
        Type = FlowType.L7,
        TrafficDirection = direction,
        L7 = new Layer7 { Type = L7FlowType.RESPONSE, LatencyNs = latencyNs, Http = new HTTP { Code = code, Method = "GET", Protocol = "HTTP/1.1", Url = "http://backend/" } },
    };

    private static Flow Dns(bool reply, Verdict verdict = Verdict.FORWARDED) => new()
    {
        Verdict = verdict,
        IsReply = reply,
        EventType = new CiliumEventType(MonitorEventType.AccessLog),
        Type = FlowType.L7,
        L7 = new Layer7
        {
            Type = reply ? L7FlowType.RESPONSE : L7FlowType.REQUEST,
            Dns = new DNS { Query = "backend.shop.svc.cluster.local.", Qtypes = ["A"], Rrtypes = reply ? ["A"] : [], Ips = reply ? ["10.96.0.10"] : [], Rcode = 0 },
        },
    };

    [Fact]
    public async Task A_known_flow_sequence_exports_exactly_these_lines()
    {
        var metrics = new HubbleMetrics();
        metrics.Process(Tcp(Verdict.FORWARDED, new TCPFlags(SYN: true), MonitorEventType.Trace, subType: 0));
        metrics.Process(Tcp(Verdict.FORWARDED, new TCPFlags(SYN: true, ACK: true), MonitorEventType.Trace, subType: 0));
        metrics.Process(Tcp(Verdict.DROPPED, new TCPFlags(SYN: true), MonitorEventType.Drop, reason: DropReason.POLICY_DENIED));
        metrics.Process(Tcp(Verdict.DROPPED, new TCPFlags(SYN: true), MonitorEventType.Drop, reason: DropReason.POLICY_DENIED));
        metrics.Process(HttpResponse(TrafficDirection.INGRESS, 200, 20_000_000));
        metrics.Process(Dns(reply: false));
        metrics.Process(Dns(reply: true));

        var text = await metrics.ExportAsync(CancellationToken.None);

        Assert.Equal(Expected, text);
    }

    [Fact]
    public async Task A_lab_without_flows_exports_no_samples_and_scrapes_do_not_count()
    {
        var metrics = new HubbleMetrics();

        var first = await metrics.ExportAsync(CancellationToken.None);
        var second = await metrics.ExportAsync(CancellationToken.None);

        Assert.Empty(PrometheusText.Parse(first));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Drops_count_by_reason_and_a_dropped_dns_query_is_policy_denied()
    {
        var metrics = new HubbleMetrics();
        metrics.Process(Tcp(Verdict.DROPPED, new TCPFlags(SYN: true), MonitorEventType.Drop, reason: DropReason.POLICY_DENY));
        metrics.Process(Dns(reply: false, Verdict.DROPPED));

        var samples = PrometheusText.Parse(await metrics.ExportAsync(CancellationToken.None));

        Assert.Contains(samples, s => s.Series == "hubble_drop_total{protocol=\"TCP\",reason=\"POLICY_DENY\"}" && s.Value == 1);
        Assert.Contains(samples, s => s.Series == "hubble_dns_queries_total{ips_returned=\"0\",qtypes=\"A\",rcode=\"Policy denied\"}" && s.Value == 1);
        // A dropped SYN is not a TCP flag Hubble counts: tcp counts forwarded and redirected flows only.
        Assert.DoesNotContain(samples, s => s.Name == "hubble_tcp_flags_total");
    }

    [Fact]
    public void The_protocol_label_follows_hubbles_flow_protocol()
    {
        Assert.Equal("TCP", HubbleMetrics.Protocol(Tcp(Verdict.FORWARDED, new TCPFlags(SYN: true), MonitorEventType.Trace)));
        Assert.Equal("HTTP", HubbleMetrics.Protocol(HttpResponse(TrafficDirection.EGRESS, 200, 1)));
        Assert.Equal("DNS", HubbleMetrics.Protocol(Dns(reply: true)));
        Assert.Equal("Unknown flow", HubbleMetrics.Protocol(new Flow()));
    }

    private const string Expected = """
# HELP hubble_flows_processed_total Total number of flows processed
# TYPE hubble_flows_processed_total counter
hubble_flows_processed_total{protocol="TCP",subtype="to-endpoint",type="Trace",verdict="FORWARDED"} 2
hubble_flows_processed_total{protocol="TCP",subtype="",type="Drop",verdict="DROPPED"} 2
hubble_flows_processed_total{protocol="HTTP",subtype="HTTP",type="L7",verdict="FORWARDED"} 1
hubble_flows_processed_total{protocol="DNS",subtype="DNS",type="L7",verdict="FORWARDED"} 2
# HELP hubble_drop_total Number of drops
# TYPE hubble_drop_total counter
hubble_drop_total{protocol="TCP",reason="POLICY_DENIED"} 2
# HELP hubble_tcp_flags_total TCP flag occurrences
# TYPE hubble_tcp_flags_total counter
hubble_tcp_flags_total{family="IPv4",flag="SYN"} 1
hubble_tcp_flags_total{family="IPv4",flag="SYN-ACK"} 1
# HELP hubble_dns_queries_total Number of DNS queries observed
# TYPE hubble_dns_queries_total counter
hubble_dns_queries_total{ips_returned="0",qtypes="A",rcode=""} 1
# HELP hubble_dns_responses_total Number of DNS queries observed
# TYPE hubble_dns_responses_total counter
hubble_dns_responses_total{ips_returned="1",qtypes="A",rcode="No Error"} 1
# HELP hubble_dns_response_types_total Number of DNS queries observed
# TYPE hubble_dns_response_types_total counter
hubble_dns_response_types_total{qtypes="A",type="A"} 1
# HELP hubble_http_requests_total Count of HTTP requests
# TYPE hubble_http_requests_total counter
hubble_http_requests_total{method="GET",protocol="HTTP/1.1",reporter="server",status="200"} 1
# HELP hubble_http_request_duration_seconds Quantiles of HTTP request duration in seconds
# TYPE hubble_http_request_duration_seconds histogram
hubble_http_request_duration_seconds_sum{method="GET",reporter="server"} 0.02
hubble_http_request_duration_seconds_count{method="GET",reporter="server"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.005"} 0
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.01"} 0
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.025"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.05"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.1"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.25"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.5"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="1"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="2.5"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="5"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="10"} 1
hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="+Inf"} 1

""";
}
