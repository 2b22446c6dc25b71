using System.Globalization;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;

namespace LabSite.Shell.Cilium;

/// <summary>
/// One <c>cilium-dbg monitor</c> line per flow, in the formats of pkg/monitor (DumpInfo of datapath_drop.go,
/// datapath_trace.go, datapath_policy.go, logrecord.go), rebuilt from the Hubble flow that carries the same event:
/// <code>
/// xx drop (Policy denied) flow 0x0 to endpoint 0, ifindex 7, , identity 258->257: 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN
/// -> endpoint 3 flow 0x0 , identity 258->257 state new ifindex 9 orig-ip 0.0.0.0: 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN
/// Policy verdict log: flow 0x0 local EP ID 3, remote ID 258, proto 6, ingress, action deny, auth: disabled, match none, 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN
/// </code>
/// Two fields the flow does not carry are left out or zero rather than invented: the packet hash prints as
/// <c>0x0</c> (as Cilium prints an unset hash) and a drop's bpf source file and line are omitted.
/// </summary>
public static class MonitorText
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The monitor's event type names (<c>--type</c>), with their numbers.</summary>
    public static readonly IReadOnlyDictionary<string, int> Types = new Dictionary<string, int>
    {
        ["drop"] = MonitorEventType.Drop,
        ["debug"] = MonitorEventType.Debug,
        ["capture"] = MonitorEventType.Capture,
        ["trace"] = MonitorEventType.Trace,
        ["policy-verdict"] = MonitorEventType.PolicyVerdict,
        ["l7"] = MonitorEventType.AccessLog,
        ["agent"] = MonitorEventType.Agent,
    };

    /// <summary>The line for <paramref name="f"/>, or null for an event type the monitor does not print as a line.</summary>
    public static string? Line(Flow f, bool numeric)
    {
        ArgumentNullException.ThrowIfNull(f);
        return f.EventType?.Type switch
        {
            MonitorEventType.Drop => Drop(f, numeric),
            MonitorEventType.Trace => Trace(f, numeric),
            MonitorEventType.PolicyVerdict => PolicyVerdict(f, numeric),
            MonitorEventType.AccessLog => AccessLog(f, numeric),
            _ => null,
        };
    }

    /// <summary>The endpoint that emitted the event and the one it was for (the <c>--from</c>/<c>--to</c> filters' ids).</summary>
    public static (uint Source, uint Destination) Endpoints(Flow f) => (f?.Source?.ID ?? 0, f?.Destination?.ID ?? 0);

    private static string Drop(Flow f, bool numeric)
    {
        var reason = DropReasonText.For((int)(f.DropReason != 0 ? f.DropReason : (uint)f.DropReasonDesc));
        return $"xx drop ({reason}) flow 0x0 to endpoint {f.Destination?.ID ?? 0}, ifindex {f.Interface?.Index ?? 0}, {Identities(f, numeric)}: {Connection(f)}";
    }

    private static string Trace(Flow f, bool numeric)
    {
        var ifname = f.Interface is { Name.Length: > 0 } i ? i.Name : (f.Interface?.Index ?? 0).ToString(s_inv);
        return $"{TraceSummary(f)} flow 0x0 {Identities(f, numeric)} state {State(f.TraceReason)} ifindex {ifname} orig-ip 0.0.0.0: {Connection(f)}";
    }

    private static string PolicyVerdict(Flow f, bool numeric)
    {
        var ingress = f.TrafficDirection == TrafficDirection.INGRESS;
        var (local, remote) = ingress ? (f.Destination, f.Source) : (f.Source, f.Destination);
        var action = f.Verdict switch
        {
            Verdict.DROPPED => "deny",
            Verdict.REDIRECTED => "redirect",
            Verdict.AUDIT => "audit",
            _ => "allow",
        };
        var auth = f.AuthType switch { AuthType.SPIRE => "spire", AuthType.TEST_ALWAYS_FAIL => "test-always-fail", _ => "disabled" };
        return $"Policy verdict log: flow 0x0 local EP ID {local?.ID ?? 0}, remote ID {IdentityName(remote?.Identity ?? 0, numeric)}, proto {Protocol(f)}, "
            + $"{(ingress ? "ingress" : "egress")}, action {action}, auth: {auth}, match {PolicyMatchType.Name(f.PolicyMatchType)}, {Connection(f)}";
    }

    /// <summary>An L7 access-log record: direction, type, protocol, both endpoints with their labels, the HTTP line.</summary>
    private static string? AccessLog(Flow f, bool numeric)
    {
        if (f.L7 is not { } l7)
        {
            return null;
        }
        var direction = f.TrafficDirection switch { TrafficDirection.INGRESS => "<-", TrafficDirection.EGRESS => "->", _ => "??" };
        var request = l7.Type != L7FlowType.RESPONSE;
        var verdict = f.Verdict switch { Verdict.DROPPED => "Denied", Verdict.ERROR => "Error", Verdict.REDIRECTED => "Redirected", _ => "Forwarded" };
        var (src, dst) = (f.Source, f.Destination);
        var line = $"{direction} {(request ? "Request" : "Response")} {(l7.Http is not null ? "http" : l7.Dns is not null ? "dns" : "unknown-l7")} "
            + $"{(request ? "from" : "to")} {src?.ID ?? 0} ([{string.Join(' ', src?.Labels ?? [])}]) {(request ? "to" : "from")} {dst?.ID ?? 0} ([{string.Join(' ', dst?.Labels ?? [])}]), "
            + $"identity {src?.Identity ?? 0}->{dst?.Identity ?? 0}, verdict {verdict}";
        if (l7.Http is { } http)
        {
            line += $" {http.Method} {http.Url} => {http.Code}";
        }
        else if (l7.Dns is { } dns)
        {
            line += $" DNS {(request ? "Query" : "Proxy")}: {dns.Query} {string.Join(',', dns.Qtypes)}";
        }
        return line;
    }

    /// <summary>Where the packet was seen, as traceSummary() words it.</summary>
    private static string TraceSummary(Flow f) => f.TraceObservationPoint switch
    {
        TraceObservationPoint.TO_ENDPOINT => $"-> endpoint {f.Destination?.ID ?? 0}",
        TraceObservationPoint.TO_PROXY => f.ProxyPort != 0 ? $"-> proxy port {f.ProxyPort}" : "-> proxy",
        TraceObservationPoint.TO_HOST => "-> host from",
        TraceObservationPoint.TO_STACK => "-> stack",
        TraceObservationPoint.TO_OVERLAY => "-> overlay",
        TraceObservationPoint.TO_NETWORK => "-> network",
        TraceObservationPoint.FROM_ENDPOINT => $"<- endpoint {f.Source?.ID ?? 0}",
        TraceObservationPoint.FROM_PROXY => "<- proxy",
        TraceObservationPoint.FROM_HOST => "<- host",
        TraceObservationPoint.FROM_STACK => "<- stack",
        TraceObservationPoint.FROM_OVERLAY => "<- overlay",
        TraceObservationPoint.FROM_NETWORK => "<- network",
        TraceObservationPoint.FROM_CRYPTO => "<- crypto",
        TraceObservationPoint.TO_CRYPTO => "-> crypto",
        _ => "unknown trace",
    };

    private static string State(TraceReason reason) => reason switch
    {
        TraceReason.NEW => "new",
        TraceReason.ESTABLISHED => "established",
        TraceReason.REPLY => "reply",
        TraceReason.RELATED => "related",
        TraceReason.REOPENED => "reopened",
        _ => "unknown",
    };

    /// <summary>", identity SRC->DST" (dumpIdentity), reserved identities by name unless <c>-n</c>.</summary>
    private static string Identities(Flow f, bool numeric) =>
        $", identity {IdentityName(f.Source?.Identity ?? 0, numeric)}->{IdentityName(f.Destination?.Identity ?? 0, numeric)}";

    /// <summary>NumericIdentity.String(): reserved numbers print as their names.</summary>
    public static string IdentityName(uint id, bool numeric) =>
        (numeric ? null : new NumericIdentity(id).ReservedName) ?? id.ToString(s_inv);

    private static int Protocol(Flow f) => f.L4 switch
    {
        { TCP: not null } => 6,
        { UDP: not null } => 17,
        { ICMPv4: not null } => 1,
        { ICMPv6: not null } => 58,
        { SCTP: not null } => 132,
        _ => 0,
    };

    /// <summary>GetConnectionSummary: "ip:port -> ip:port tcp FLAGS", "ip -> ip EchoRequest" for ICMP, else "ip -> ip".</summary>
    public static string Connection(Flow f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (src, dst) = (f.IP?.Source ?? "", f.IP?.Destination ?? "");
        switch (f.L4)
        {
            case { TCP: { } t }:
                var flags = new List<string>();
                if (t.Flags is { } fl)
                {
                    if (fl.SYN) { flags.Add("SYN"); }
                    if (fl.ACK) { flags.Add("ACK"); }
                    if (fl.RST) { flags.Add("RST"); }
                    if (fl.FIN) { flags.Add("FIN"); }
                }
                return $"{Host(src, t.SourcePort)} -> {Host(dst, t.DestinationPort)} tcp {string.Join(", ", flags)}";
            case { UDP: { } u }:
                return $"{Host(src, u.SourcePort)} -> {Host(dst, u.DestinationPort)} udp";
            case { ICMPv4: { } icmp }:
                return $"{src} -> {dst} {IcmpName(icmp)}";
            default:
                return src.Length > 0 ? $"{src} -> {dst}" : "[unknown]";
        }
    }

    /// <summary>net.JoinHostPort: IPv6 addresses in brackets.</summary>
    private static string Host(string ip, uint port) => ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{port}" : $"{ip}:{port}";

    /// <summary>gopacket's ICMPv4TypeCode.String() for the common types; others print as numbers.</summary>
    private static string IcmpName(ICMP icmp) => icmp.Type switch
    {
        0 => "EchoReply",
        3 => "DestinationUnreachable",
        8 => "EchoRequest",
        11 => "TimeExceeded",
        _ => $"{icmp.Type}({icmp.Code})",
    };
}
