using LabSite.Clusters.Contract.Flows;
using LabSite.Shell.Cilium;

namespace LabSite.Shell.Tests.Cilium;

public class MonitorTextTests
{
    /// <summary>xwing (258, endpoint 2) → deathstar (257, endpoint 3) on 80/TCP, SYN, as the netns datapath reports it.</summary>
    private static Flow Syn(int eventType, int subType = 0) => new()
    {
        IP = new IP { Source = "10.0.1.2", Destination = "10.0.1.3", IpVersion = IPVersion.IPv4 },
        L4 = new Layer4 { TCP = new TCP(38424, 80, new TCPFlags(SYN: true)) },
        Source = new Endpoint { ID = 2, Identity = 258, Labels = ["k8s:class=xwing", "k8s:org=alliance"] },
        Destination = new Endpoint { ID = 3, Identity = 257, Labels = ["k8s:class=deathstar", "k8s:org=empire"] },
        EventType = new CiliumEventType(eventType, subType),
        Interface = new NetworkInterface(9, ""),
        TrafficDirection = TrafficDirection.INGRESS,
    };

    [Fact]
    public void A_policy_drop_prints_as_datapath_drop_dump_info()
    {
        var f = Syn(MonitorEventType.Drop, 133);
        f.Verdict = Verdict.DROPPED;
        f.DropReason = 133;
        f.DropReasonDesc = DropReason.POLICY_DENIED;
        Assert.Equal("xx drop (Policy denied) flow 0x0 to endpoint 3, ifindex 9, , identity 258->257: 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN", MonitorText.Line(f, numeric: false));
    }

    [Fact]
    public void Traces_name_the_observation_point_state_and_reserved_identities()
    {
        var f = Syn(MonitorEventType.Trace, 0);
        f.TraceObservationPoint = TraceObservationPoint.TO_ENDPOINT;
        f.TraceReason = TraceReason.NEW;
        f.Source!.Identity = 1;
        Assert.Equal("-> endpoint 3 flow 0x0 , identity host->257 state new ifindex 9 orig-ip 0.0.0.0: 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN", MonitorText.Line(f, numeric: false));
        Assert.Equal("-> endpoint 3 flow 0x0 , identity 1->257 state new ifindex 9 orig-ip 0.0.0.0: 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN", MonitorText.Line(f, numeric: true));

        f.TraceObservationPoint = TraceObservationPoint.FROM_ENDPOINT;
        f.TraceReason = TraceReason.REPLY;
        f.L4 = new Layer4 { TCP = new TCP(80, 38424, new TCPFlags(SYN: true, ACK: true)) };
        Assert.StartsWith("<- endpoint 2 flow 0x0 , identity host->257 state reply", MonitorText.Line(f, numeric: false));
        Assert.EndsWith("10.0.1.2:80 -> 10.0.1.3:38424 tcp SYN, ACK", MonitorText.Line(f, numeric: false));
    }

    [Fact]
    public void Crypto_traces_print_as_cilium_monitor_words_them()
    {
        var f = Syn(MonitorEventType.Trace, 13);
        f.TraceObservationPoint = TraceObservationPoint.TO_CRYPTO;
        Assert.StartsWith("-> crypto flow 0x0 , identity 258->257", MonitorText.Line(f, numeric: false));
        f.EventType = new CiliumEventType(MonitorEventType.Trace, 12);
        f.TraceObservationPoint = TraceObservationPoint.FROM_CRYPTO;
        Assert.StartsWith("<- crypto flow 0x0 , identity 258->257", MonitorText.Line(f, numeric: false));
    }

    [Fact]
    public void Policy_verdicts_print_the_local_endpoint_remote_identity_direction_and_match()
    {
        var f = Syn(MonitorEventType.PolicyVerdict);
        f.Verdict = Verdict.DROPPED;
        Assert.Equal("Policy verdict log: flow 0x0 local EP ID 3, remote ID 258, proto 6, ingress, action deny, auth: disabled, match none, 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN",
            MonitorText.Line(f, numeric: false));
        f.Verdict = Verdict.FORWARDED;
        f.TrafficDirection = TrafficDirection.EGRESS;
        f.PolicyMatchType = PolicyMatchType.L3L4;
        Assert.Equal("Policy verdict log: flow 0x0 local EP ID 2, remote ID 257, proto 6, egress, action allow, auth: disabled, match L3-L4, 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN",
            MonitorText.Line(f, numeric: false));
    }

    [Fact]
    public void L7_records_print_as_access_log_dump_info()
    {
        var f = Syn(MonitorEventType.AccessLog);
        f.L7 = new Layer7 { Type = L7FlowType.REQUEST, Http = new HTTP { Method = "PUT", Url = "http://deathstar.default.svc.cluster.local/v1/exhaust-port" } };
        f.Verdict = Verdict.DROPPED;
        Assert.Equal("<- Request http from 2 ([k8s:class=xwing k8s:org=alliance]) to 3 ([k8s:class=deathstar k8s:org=empire]), identity 258->257, verdict Denied PUT http://deathstar.default.svc.cluster.local/v1/exhaust-port => 0",
            MonitorText.Line(f, numeric: false));
        f.L7.Type = L7FlowType.RESPONSE;
        f.L7.Http.Code = 403;
        Assert.StartsWith("<- Response http to 2 (", MonitorText.Line(f, numeric: false));
        Assert.EndsWith("verdict Denied PUT http://deathstar.default.svc.cluster.local/v1/exhaust-port => 403", MonitorText.Line(f, numeric: false));
    }

    [Fact]
    public void Icmp_and_udp_connections_and_unprintable_events()
    {
        var f = Syn(MonitorEventType.Drop, 133);
        f.L4 = new Layer4 { ICMPv4 = new ICMP(8, 0) };
        Assert.Equal("10.0.1.2 -> 10.0.1.3 EchoRequest", MonitorText.Connection(f));
        f.L4 = new Layer4 { UDP = new UDP(5353, 53) };
        Assert.Equal("10.0.1.2:5353 -> 10.0.1.3:53 udp", MonitorText.Connection(f));
        f.EventType = new CiliumEventType(MonitorEventType.TraceSock);
        Assert.Null(MonitorText.Line(f, numeric: false));
    }
}
