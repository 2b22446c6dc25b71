using System.Globalization;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// The pieces Hubble's printers compose (hubble/pkg/printer): host names, identity column, flow type, verdict,
/// time. Shared by the compact, table and dict printers so the three never disagree.
/// </summary>
public static class FlowText
{
    private static readonly string[] s_tracePoints =
    [
        "to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay", "from-endpoint", "from-proxy", "from-host",
        "from-stack", "from-overlay", "from-network", "to-network", "from-crypto", "to-crypto",
    ];

    private static readonly string[] s_sockPoints =
        ["unknown", "pre-xlate-fwd", "post-xlate-fwd", "pre-xlate-rev", "post-xlate-rev"];

    /// <summary>Go's time.StampMilli ("Jan _2 15:04:05.000") in UTC; "N/A" for an unset time.</summary>
    public static string Time(Timestamp ts)
    {
        if (ts.IsZero)
        {
            return "N/A";
        }
        var t = ts.ToDateTimeOffset().UtcDateTime;
        return t.ToString("MMM", CultureInfo.InvariantCulture) + " "
            + t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + " "
            + t.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "."
            + (ts.Nanos / 1_000_000).ToString("D3", CultureInfo.InvariantCulture);
    }

    /// <summary>(source, destination) as <c>ns/pod:port</c>, else <c>ns/svc</c>, DNS names, or the IP.</summary>
    public static (string Source, string Destination) Hosts(Flow f, bool translate = true)
    {
        if (f.IP is null)
        {
            return f.Ethernet is { } eth ? (eth.Source, eth.Destination) : ("", "");
        }
        var (sp, dp) = Ports(f);
        return (
            Host(f.IP.Source, sp, f.SourceService?.Namespace ?? f.Source?.Namespace ?? "", f.Source?.PodName ?? "", f.SourceService?.Name ?? "", f.SourceNames, translate),
            Host(f.IP.Destination, dp, f.DestinationService?.Namespace ?? f.Destination?.Namespace ?? "", f.Destination?.PodName ?? "", f.DestinationService?.Name ?? "", f.DestinationNames, translate));
    }

    private static (string, string) Ports(Flow f) => f.L4 switch
    {
        { TCP: { } t } => (Num(t.SourcePort), Num(t.DestinationPort)),
        { UDP: { } u } => (Num(u.SourcePort), Num(u.DestinationPort)),
        { SCTP: { } s } => (Num(s.SourcePort), Num(s.DestinationPort)),
        _ => ("", ""),
    };

    private static string Num(uint v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Host(string ip, string port, string ns, string pod, string svc, List<string> names, bool translate)
    {
        var host = ip;
        if (translate)
        {
            if (pod.Length > 0)
            {
                host = ns.Length > 0 ? $"{ns}/{pod}" : pod;
            }
            else if (svc.Length > 0)
            {
                host = ns.Length > 0 ? $"{ns}/{svc}" : svc;
            }
            else if (names.Count > 0)
            {
                host = string.Join(",", names);
            }
        }
        if (port.Length == 0 || port == "0")
        {
            return host;
        }
        return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    /// <summary>The identity column: <c>(ID:31028)</c>, or the reserved name (<c>(host)</c>, <c>(world)</c>, <c>(unknown)</c>).</summary>
    public static string Identity(Endpoint? ep)
    {
        var id = ep?.Identity ?? 0;
        return id switch
        {
            0 => "(unknown)",
            1 => "(host)",
            2 => "(world)",
            3 => "(unmanaged)",
            4 => "(health)",
            5 => "(init)",
            6 => "(remote-node)",
            7 => "(kube-apiserver)",
            8 => "(ingress)",
            9 => "(world-ipv4)",
            10 => "(world-ipv6)",
            11 => "(encrypted-overlay)",
            _ => $"(ID:{id})",
        };
    }

    /// <summary>The TYPE column: L7 type, trace point, drop reason text, or <c>policy-verdict:&lt;match&gt; &lt;DIR&gt;</c>.</summary>
    public static string Type(Flow f)
    {
        if (f.L7 is { } l7)
        {
            var proto = l7.Http is not null ? "http" : l7.Dns is not null ? "dns" : "l7";
            var type = $"{proto}-{l7.Type.ToString().ToLowerInvariant()}";
            return l7.Dns is { ObservationSource.Length: > 0 } dns ? $"{type} {dns.ObservationSource}" : type;
        }
        var sub = f.EventType?.SubType ?? 0;
        return (f.EventType?.Type ?? 0) switch
        {
            MonitorEventType.Trace => sub >= 0 && sub < s_tracePoints.Length ? s_tracePoints[sub] : $"{sub}",
            MonitorEventType.Drop => DropReasonText.For(sub),
            MonitorEventType.PolicyVerdict => $"policy-verdict:{PolicyMatchType.Name(f.PolicyMatchType)} {f.TrafficDirection switch
            {
                TrafficDirection.INGRESS => "INGRESS",
                TrafficDirection.EGRESS => "EGRESS",
                _ => "",
            }}".TrimEnd(),
            MonitorEventType.TraceSock => sub >= 0 && sub < s_sockPoints.Length ? s_sockPoints[sub] : $"{sub}",
            _ => "UNKNOWN",
        };
    }

    /// <summary>The VERDICT column; policy verdicts print ALLOWED, DENIED or AUDITED instead of the enum name.</summary>
    public static string Verdict(Flow f)
    {
        if (f.EventType?.Type == MonitorEventType.PolicyVerdict)
        {
            return f.Verdict switch
            {
                Flows.Verdict.FORWARDED or Flows.Verdict.REDIRECTED => "ALLOWED",
                Flows.Verdict.DROPPED or Flows.Verdict.ERROR => "DENIED",
                Flows.Verdict.AUDIT => "AUDITED",
                _ => f.Verdict.ToString(),
            };
        }
        return f.Verdict.ToString();
    }

    /// <summary>` BY rule1 (CiliumNetworkPolicy), …` for <c>--print-policy-names</c>; empty when none apply.</summary>
    public static string PolicyNames(Flow f)
    {
        var denied = f.Verdict is Flows.Verdict.DROPPED or Flows.Verdict.ERROR;
        var list = (f.TrafficDirection, denied) switch
        {
            (TrafficDirection.INGRESS, false) => f.IngressAllowedBy,
            (TrafficDirection.INGRESS, true) => f.IngressDeniedBy,
            (TrafficDirection.EGRESS, false) => f.EgressAllowedBy,
            (TrafficDirection.EGRESS, true) => f.EgressDeniedBy,
            _ => [],
        };
        return list.Count == 0 ? "" : " BY " + string.Join(", ", list.Select(p => $"{p.Name} ({p.Kind})"));
    }

    /// <summary>The summary Cilium fills server-side: <c>TCP Flags: SYN, ACK</c>, <c>ICMPv4 EchoRequest</c>, <c>UDP</c>.</summary>
    public static string Summary(Layer4? l4)
    {
        switch (l4)
        {
            case { TCP: { } tcp }:
                var fl = tcp.Flags ?? new TCPFlags();
                var names = new List<string>();
                if (fl.SYN) { names.Add("SYN"); }
                if (fl.ACK) { names.Add("ACK"); }
                if (fl.RST) { names.Add("RST"); }
                if (fl.FIN) { names.Add("FIN"); }
                if (fl.PSH) { names.Add("PSH"); }
                if (fl.URG) { names.Add("URG"); }
                if (fl.ECE) { names.Add("ECE"); }
                if (fl.CWR) { names.Add("CWR"); }
                if (fl.NS) { names.Add("NS"); }
                return "TCP Flags: " + string.Join(", ", names);
            case { UDP: not null }:
                return "UDP";
            case { SCTP: not null }:
                return "SCTP";
            case { ICMPv4: { } i4 }:
                return "ICMPv4 " + Icmp4Name(i4.Type);
            case { ICMPv6: { } i6 }:
                return "ICMPv6 " + Icmp6Name(i6.Type);
            default:
                return "";
        }
    }

    private static string Icmp4Name(uint type) => type switch
    {
        0 => "EchoReply",
        3 => "DestinationUnreachable",
        5 => "Redirect",
        8 => "EchoRequest",
        11 => "TimeExceeded",
        12 => "ParameterProblem",
        _ => type.ToString(CultureInfo.InvariantCulture),
    };

    private static string Icmp6Name(uint type) => type switch
    {
        1 => "DestinationUnreachable",
        2 => "PacketTooBig",
        3 => "TimeExceeded",
        4 => "ParameterProblem",
        128 => "EchoRequest",
        129 => "EchoReply",
        133 => "RouterSolicitation",
        134 => "RouterAdvertisement",
        135 => "NeighborSolicitation",
        136 => "NeighborAdvertisement",
        _ => type.ToString(CultureInfo.InvariantCulture),
    };
}
