using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Between our flow model and Hubble's wire types (Protos/cilium, compiled by Grpc.Tools): a <c>GetFlowsRequest</c>
/// becomes a <see cref="FlowQuery"/>, a <see cref="FlowRecord"/> becomes a <c>GetFlowsResponse</c>. Proto enums
/// carry the same numbers as ours, so they convert by value.
/// </summary>
public static class HubbleProto
{
    /// <summary>The query a request asks for; throws <see cref="ArgumentException"/> for what Hubble itself refuses or we cannot filter on.</summary>
    public static FlowQuery ToQuery(HubbleApi.GetFlowsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.First && request.Follow)
        {
            throw new ArgumentException("first cannot be combined with follow");
        }
        var filter = new FlowFilterSet([.. request.Whitelist.Select(ToFilter)], [.. request.Blacklist.Select(ToFilter)]);
        var since = request.Since is null ? (Timestamp?)null : new Timestamp(request.Since.Seconds, request.Since.Nanos);
        var until = request.Until is null ? (Timestamp?)null : new Timestamp(request.Until.Seconds, request.Until.Nanos);
        var number = checked((int)Math.Min(request.Number, int.MaxValue));
        // number 0 means no limit (hubble sends --last 20 itself when no window is given).
        return number == 0
            ? new FlowQuery(filter, Last: null, All: true, Since: since, Until: until)
            : request.First
                ? new FlowQuery(filter, Last: null, First: number, Since: since, Until: until)
                : new FlowQuery(filter, Last: number, Since: since, Until: until);
    }

    public static FlowFilter ToFilter(HubbleApi.FlowFilter f)
    {
        ArgumentNullException.ThrowIfNull(f);
        Unsupported(f.SourceWorkload.Count + f.DestinationWorkload.Count, "source_workload/destination_workload");
        Unsupported(f.DnsQuery.Count, "dns_query");
        Unsupported(f.TcpFlags.Count, "tcp_flags");
        Unsupported(f.IpVersion.Count, "ip_version");
        Unsupported(f.TraceId.Count, "trace_id");
        CheckValues(f);
        var r = new FlowFilter();
        r.SourcePod.AddRange(f.SourcePod);
        r.DestinationPod.AddRange(f.DestinationPod);
        r.SourceIp.AddRange(f.SourceIp);
        r.DestinationIp.AddRange(f.DestinationIp);
        r.SourceLabel.AddRange(f.SourceLabel);
        r.DestinationLabel.AddRange(f.DestinationLabel);
        r.SourceIdentity.AddRange(f.SourceIdentity);
        r.DestinationIdentity.AddRange(f.DestinationIdentity);
        r.SourceService.AddRange(f.SourceService);
        r.DestinationService.AddRange(f.DestinationService);
        r.SourceFqdn.AddRange(f.SourceFqdn);
        r.DestinationFqdn.AddRange(f.DestinationFqdn);
        r.SourcePort.AddRange(f.SourcePort);
        r.DestinationPort.AddRange(f.DestinationPort);
        r.Verdict.AddRange(f.Verdict.Select(v => (Verdict)(int)v));
        r.EventType.AddRange(f.EventType.Select(e => (e.Type, e.MatchSubType ? e.SubType : (int?)null)));
        r.Protocol.AddRange(f.Protocol);
        r.Reply.AddRange(f.Reply);
        r.HttpMethod.AddRange(f.HttpMethod);
        r.HttpPath.AddRange(f.HttpPath);
        r.HttpStatusCode.AddRange(f.HttpStatusCode);
        r.NodeName.AddRange(f.NodeName);
        return r;
    }

    public static HubbleApi.GetFlowsResponse ToResponse(FlowRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new HubbleApi.GetFlowsResponse
        {
            Flow = ToProto(record.Flow),
            NodeName = record.NodeName,
            Time = ToProto(record.Time),
        };
    }

    /// <summary>A loss notice, as Hubble sends it in-band on a follow.</summary>
    public static HubbleApi.GetFlowsResponse ToResponse(LostEvents lost, string nodeName, Timestamp time)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var source = Enum.TryParse<HubbleApi.LostEventSource>(lost.Source.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var s)
            ? s
            : HubbleApi.LostEventSource.UnknownLostEventSource;
        return new HubbleApi.GetFlowsResponse
        {
            LostEvents = new HubbleApi.LostEvent { Source = source, NumEventsLost = (ulong)lost.Count },
            NodeName = nodeName,
            Time = ToProto(time),
        };
    }

    public static HubbleApi.Flow ToProto(Flow f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var p = new HubbleApi.Flow
        {
            Time = f.Time.IsZero ? null : ToProto(f.Time),
            Verdict = (HubbleApi.Verdict)(int)f.Verdict,
#pragma warning disable CS0612 // drop_reason and reply are deprecated in flow.proto, yet Cilium still fills them
            DropReason = f.DropReason,
            Reply = f.Reply,
#pragma warning restore CS0612
            Ethernet = f.Ethernet is { } eth ? new HubbleApi.Ethernet { Source = eth.Source, Destination = eth.Destination } : null,
            IP = f.IP is { } ip ? new HubbleApi.IP { Source = ip.Source, Destination = ip.Destination, IpVersion = (HubbleApi.IPVersion)(int)ip.IpVersion, Encrypted = ip.Encrypted } : null,
            L4 = f.L4 is { } l4 ? ToProto(l4) : null,
            Source = f.Source is { } src ? ToProto(src) : null,
            Destination = f.Destination is { } dst ? ToProto(dst) : null,
            Type = (HubbleApi.FlowType)(int)f.Type,
            NodeName = f.NodeName,
            L7 = f.L7 is { } l7 ? ToProto(l7) : null,
            EventType = f.EventType is { } et ? new HubbleApi.CiliumEventType { Type = et.Type, SubType = et.SubType } : null,
            SourceService = f.SourceService is { } ss ? new HubbleApi.Service { Name = ss.Name, Namespace = ss.Namespace } : null,
            DestinationService = f.DestinationService is { } ds ? new HubbleApi.Service { Name = ds.Name, Namespace = ds.Namespace } : null,
            TrafficDirection = (HubbleApi.TrafficDirection)(int)f.TrafficDirection,
            PolicyMatchType = f.PolicyMatchType,
            TraceObservationPoint = (HubbleApi.TraceObservationPoint)(int)f.TraceObservationPoint,
            DropReasonDesc = (HubbleApi.DropReason)(int)f.DropReasonDesc,
            IsReply = f.IsReply,
            Interface = f.Interface is { } nic ? new HubbleApi.NetworkInterface { Index = nic.Index, Name = nic.Name } : null,
            ProxyPort = f.ProxyPort,
            SocketCookie = f.SocketCookie,
            CgroupId = f.CgroupId,
#pragma warning disable CS0612 // Summary is deprecated in flow.proto but the compact printer still shows it
            Summary = f.Summary,
#pragma warning restore CS0612
        };
        p.SourceNames.AddRange(f.SourceNames);
        p.DestinationNames.AddRange(f.DestinationNames);
        return p;
    }

    private static Google.Protobuf.WellKnownTypes.Timestamp ToProto(Timestamp t) => new() { Seconds = t.Seconds, Nanos = t.Nanos };

    private static HubbleApi.Layer4 ToProto(Layer4 l4)
    {
        var p = new HubbleApi.Layer4();
        if (l4.TCP is { } tcp)
        {
            p.TCP = new HubbleApi.TCP { SourcePort = tcp.SourcePort, DestinationPort = tcp.DestinationPort, Flags = tcp.Flags is { } fl ? ToProto(fl) : null };
        }
        else if (l4.UDP is { } udp)
        {
            p.UDP = new HubbleApi.UDP { SourcePort = udp.SourcePort, DestinationPort = udp.DestinationPort };
        }
        else if (l4.SCTP is { } sctp)
        {
            p.SCTP = new HubbleApi.SCTP { SourcePort = sctp.SourcePort, DestinationPort = sctp.DestinationPort };
        }
        else if (l4.ICMPv4 is { } v4)
        {
            p.ICMPv4 = new HubbleApi.ICMPv4 { Type = v4.Type, Code = v4.Code };
        }
        else if (l4.ICMPv6 is { } v6)
        {
            p.ICMPv6 = new HubbleApi.ICMPv6 { Type = v6.Type, Code = v6.Code };
        }
        return p;
    }

    private static HubbleApi.TCPFlags ToProto(TCPFlags f) => new()
    {
        FIN = f.FIN, SYN = f.SYN, RST = f.RST, PSH = f.PSH, ACK = f.ACK, URG = f.URG, ECE = f.ECE, CWR = f.CWR, NS = f.NS,
    };

    private static HubbleApi.Endpoint ToProto(Endpoint e)
    {
        var p = new HubbleApi.Endpoint { ID = e.ID, Identity = e.Identity, Namespace = e.Namespace, PodName = e.PodName };
        p.Labels.AddRange(e.Labels);
        p.Workloads.AddRange(e.Workloads.Select(w => new HubbleApi.Workload { Name = w.Name, Kind = w.Kind }));
        return p;
    }

    private static HubbleApi.Layer7 ToProto(Layer7 l7)
    {
        var p = new HubbleApi.Layer7 { Type = (HubbleApi.L7FlowType)(int)l7.Type, LatencyNs = l7.LatencyNs };
        if (l7.Http is { } h)
        {
            p.Http = new HubbleApi.HTTP { Code = h.Code, Method = h.Method, Url = h.Url, Protocol = h.Protocol };
            p.Http.Headers.AddRange(h.Headers.Select(x => new HubbleApi.HTTPHeader { Key = x.Key, Value = x.Value }));
        }
        else if (l7.Dns is { } d)
        {
            p.Dns = new HubbleApi.DNS { Query = d.Query, Ttl = d.Ttl, ObservationSource = d.ObservationSource, Rcode = d.Rcode };
            p.Dns.Ips.AddRange(d.Ips);
            p.Dns.Cnames.AddRange(d.Cnames);
            p.Dns.Qtypes.AddRange(d.Qtypes);
            p.Dns.Rrtypes.AddRange(d.Rrtypes);
        }
        return p;
    }

    /// <summary>
    /// Values a filter would otherwise silently never match (a malformed CIDR, port, status or path regex) are refused
    /// naming the field and the value, as Hubble's server refuses them.
    /// </summary>
    private static void CheckValues(HubbleApi.FlowFilter f)
    {
        foreach (var (field, values) in new[] { ("source_ip", f.SourceIp), ("destination_ip", f.DestinationIp) })
        {
            foreach (var v in values.Where(v => !IsAddressOrCidr(v)))
            {
                throw new ArgumentException($"flow filter field {field}: \"{v}\" is not an IP address or CIDR");
            }
        }
        foreach (var (field, values) in new[] { ("source_port", f.SourcePort), ("destination_port", f.DestinationPort) })
        {
            foreach (var v in values.Where(v => !ushort.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new ArgumentException($"flow filter field {field}: \"{v}\" is not a port number");
            }
        }
        foreach (var v in f.HttpStatusCode.Where(v => !(v.Length is >= 1 and <= 3 && v.TrimEnd('+').All(char.IsAsciiDigit) && (v.Length == 3 || v.EndsWith('+')))))
        {
            throw new ArgumentException($"flow filter field http_status_code: \"{v}\" is not a status code like 404 or a class like 5+");
        }
        foreach (var v in f.HttpPath)
        {
            try
            {
                _ = new Regex(v, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"flow filter field http_path: \"{v}\" is not a regular expression ({e.Message})");
            }
        }
        foreach (var v in f.Protocol.Where(v => v.ToLowerInvariant() is not ("tcp" or "udp" or "sctp" or "icmp" or "icmpv4" or "icmpv6" or "http" or "dns")))
        {
            throw new ArgumentException($"flow filter field protocol: unknown protocol \"{v}\" (tcp, udp, sctp, icmp, icmpv4, icmpv6, http, dns)");
        }
    }

    /// <summary>An address or CIDR as Go's net package reads it: dotted IPv4 needs all four parts (not inet_aton's 10.1.2).</summary>
    private static bool IsAddressOrCidr(string v)
    {
        var slash = v.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? v : v[..slash];
        var full = address.Contains(':', StringComparison.Ordinal) || address.Split('.').Length == 4;
        return full && (slash < 0 ? IPAddress.TryParse(v, out _) : IPNetwork.TryParse(v, out _));
    }

    private static void Unsupported(int count, string field)
    {
        if (count > 0)
        {
            throw new ArgumentException($"flow filter field {field} is not supported by this Hubble server");
        }
    }
}
