using Google.Protobuf;
using LabSite.Clusters.Contract.Flows;
using Api = LabSite.Clusters.Contract.HubbleApi;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class HubbleProtoTests
{
    private static Flow F(string src, string dst, Verdict v, uint dport) => new()
    {
        Time = new Timestamp(1_700_000_000, 5),
        Verdict = v,
        DropReasonDesc = v == Verdict.DROPPED ? DropReason.POLICY_DENIED : DropReason.DROP_REASON_UNKNOWN,
        IP = new IP { Source = "10.0.0.1", Destination = "10.0.0.2", IpVersion = IPVersion.IPv4 },
        L4 = new Layer4 { TCP = new TCP(40000, dport, new TCPFlags(SYN: true)) },
        Source = new Endpoint { Namespace = "default", PodName = src, Identity = 1001, Labels = [$"k8s:app={src}"] },
        Destination = new Endpoint { Namespace = "default", PodName = dst, Identity = 1002, Labels = [$"k8s:app={dst}"] },
        EventType = new CiliumEventType(v == Verdict.DROPPED ? MonitorEventType.Drop : MonitorEventType.Trace),
        IsReply = false,
    };

    [Fact]
    public void Whitelist_and_blacklist_become_the_query_filter()
    {
        var request = new Api.GetFlowsRequest { Number = 5 };
        var allow = new Api.FlowFilter();
        allow.SourcePod.Add("default/xwing");
        allow.Verdict.Add(Api.Verdict.Dropped);
        request.Whitelist.Add(allow);
        var deny = new Api.FlowFilter();
        deny.DestinationPort.Add("8080");
        request.Blacklist.Add(deny);

        var query = HubbleProto.ToQuery(request);

        Assert.Equal(5, query.Last);
        Assert.True(query.Filter.Matches(F("xwing", "deathstar", Verdict.DROPPED, 80)));
        Assert.False(query.Filter.Matches(F("xwing", "deathstar", Verdict.FORWARDED, 80)));
        Assert.False(query.Filter.Matches(F("tiefighter", "deathstar", Verdict.DROPPED, 80)));
        Assert.False(query.Filter.Matches(F("xwing", "deathstar", Verdict.DROPPED, 8080)));
    }

    [Fact]
    public void Crypto_trace_points_cross_grpc_as_ciliums_and_filter_by_sub_type()
    {
        var toCrypto = F("client", "server", Verdict.FORWARDED, 80);
        toCrypto.EventType = new CiliumEventType(MonitorEventType.Trace, 13);
        toCrypto.TraceObservationPoint = TraceObservationPoint.TO_CRYPTO;
        var fromCrypto = F("client", "server", Verdict.FORWARDED, 80);
        fromCrypto.EventType = new CiliumEventType(MonitorEventType.Trace, 12);
        fromCrypto.TraceObservationPoint = TraceObservationPoint.FROM_CRYPTO;

        var proto = HubbleProto.ToProto(toCrypto);
        Assert.Equal(Api.TraceObservationPoint.ToCrypto, proto.TraceObservationPoint);
        Assert.Equal((4, 13), (proto.EventType.Type, proto.EventType.SubType));
        Assert.Equal(Api.TraceObservationPoint.FromCrypto, HubbleProto.ToProto(fromCrypto).TraceObservationPoint);

        // hubble observe --type trace:to-crypto sends event_type {type: 4, sub_type: 13, match_sub_type: true}.
        var request = new Api.GetFlowsRequest();
        var filter = new Api.FlowFilter();
        filter.EventType.Add(new Api.EventTypeFilter { Type = 4, SubType = 13, MatchSubType = true });
        request.Whitelist.Add(filter);
        var query = HubbleProto.ToQuery(request);
        Assert.True(query.Filter.Matches(toCrypto));
        Assert.False(query.Filter.Matches(fromCrypto));
    }

    [Fact]
    public void Number_first_and_time_window_map_to_the_query()
    {
        var first = HubbleProto.ToQuery(new Api.GetFlowsRequest { Number = 3, First = true });
        Assert.Equal(3, first.First);
        Assert.Null(first.Last);

        var window = HubbleProto.ToQuery(new Api.GetFlowsRequest
        {
            Since = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 100, Nanos = 7 },
            Until = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 200 },
        });
        Assert.True(window.All);
        Assert.Equal(new Timestamp(100, 7), window.Since);
        Assert.Equal(new Timestamp(200, 0), window.Until);
    }

    [Fact]
    public void First_with_follow_and_unsupported_filter_fields_are_refused_by_name()
    {
        var both = Assert.Throws<ArgumentException>(() => HubbleProto.ToQuery(new Api.GetFlowsRequest { First = true, Follow = true }));
        Assert.Contains("follow", both.Message, StringComparison.Ordinal);

        var request = new Api.GetFlowsRequest();
        var dns = new Api.FlowFilter();
        dns.DnsQuery.Add("kube.*");
        request.Whitelist.Add(dns);
        var unsupported = Assert.Throws<ArgumentException>(() => HubbleProto.ToQuery(request));
        Assert.Contains("dns_query", unsupported.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flow_record_becomes_a_response_with_hubbles_fields_and_survives_the_wire()
    {
        var flow = F("xwing", "deathstar", Verdict.DROPPED, 80);
        flow.L7 = new Layer7 { Type = L7FlowType.REQUEST, Http = new HTTP { Code = 403, Method = "PUT", Url = "http://deathstar/v1/exhaust-port" } };

        var wire = HubbleProto.ToResponse(new FlowRecord(flow, "lab-node", new Timestamp(1_700_000_001, 0))).ToByteArray();
        var back = Api.GetFlowsResponse.Parser.ParseFrom(wire);

        Assert.Equal("lab-node", back.NodeName);
        Assert.Equal(1_700_000_001, back.Time.Seconds);
        var p = back.Flow;
        Assert.Equal(Api.Verdict.Dropped, p.Verdict);
        Assert.Equal(Api.DropReason.PolicyDenied, p.DropReasonDesc);
        Assert.Equal(5, p.Time.Nanos);
        Assert.Equal("xwing", p.Source.PodName);
        Assert.Equal(1001u, p.Source.Identity);
        Assert.Equal(["k8s:app=deathstar"], p.Destination.Labels);
        Assert.Equal(80u, p.L4.TCP.DestinationPort);
        Assert.True(p.L4.TCP.Flags.SYN);
        Assert.Equal((int)IPVersion.IPv4, (int)p.IP.IpVersion);
        Assert.Equal("PUT", p.L7.Http.Method);
        Assert.Equal(403u, p.L7.Http.Code);
        Assert.False(p.IsReply);
        Assert.Equal(MonitorEventType.Drop, p.EventType.Type);
    }

    [Theory]
    [InlineData("source_ip", "10.0.0.0/33", "flow filter field source_ip: \"10.0.0.0/33\" is not an IP address or CIDR")]
    [InlineData("destination_ip", "10.1.2", "flow filter field destination_ip: \"10.1.2\" is not an IP address or CIDR")]
    [InlineData("destination_port", "http", "flow filter field destination_port: \"http\" is not a port number")]
    [InlineData("http_status_code", "4x4", "flow filter field http_status_code: \"4x4\" is not a status code like 404 or a class like 5+")]
    [InlineData("protocol", "quic", "flow filter field protocol: unknown protocol \"quic\" (tcp, udp, sctp, icmp, icmpv4, icmpv6, http, dns)")]
    public void Malformed_filter_values_are_refused_naming_field_and_value(string field, string value, string message)
    {
        var f = new Api.FlowFilter();
        (field switch
        {
            "source_ip" => f.SourceIp,
            "destination_ip" => f.DestinationIp,
            "destination_port" => f.DestinationPort,
            "http_status_code" => f.HttpStatusCode,
            _ => f.Protocol,
        }).Add(value);
        var request = new Api.GetFlowsRequest();
        request.Blacklist.Add(f);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => HubbleProto.ToQuery(request)).Message);
    }

    [Fact]
    public void A_bad_http_path_regex_is_refused_and_good_values_pass()
    {
        var bad = new Api.FlowFilter();
        bad.HttpPath.Add("/v1/(unclosed");
        var request = new Api.GetFlowsRequest();
        request.Whitelist.Add(bad);
        Assert.StartsWith("flow filter field http_path: \"/v1/(unclosed\" is not a regular expression", Assert.Throws<ArgumentException>(() => HubbleProto.ToQuery(request)).Message);

        var good = new Api.FlowFilter();
        good.SourceIp.Add("10.0.0.0/8");
        good.DestinationIp.Add("fd00::1");
        good.DestinationPort.Add("80");
        good.HttpStatusCode.Add("5+");
        good.HttpPath.Add("/v1/.*");
        good.Protocol.Add("TCP");
        var ok = new Api.GetFlowsRequest();
        ok.Whitelist.Add(good);
        Assert.Single(HubbleProto.ToQuery(ok).Filter.Allow);
    }
}
