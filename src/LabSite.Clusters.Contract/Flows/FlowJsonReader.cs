using System.Globalization;
using System.Text.Json;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Reads <c>hubble observe -o jsonpb</c> lines (or bare flows, Hubble's legacy <c>-o json</c>) into <see cref="Flow"/>:
/// how the kind backend and <c>--input-file</c> get flows. Unknown fields are skipped (newer Hubble versions add
/// fields); malformed values fail with the field name.
/// </summary>
public static class FlowJsonReader
{
    public static FlowRecord Read(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("flow JSON: expected an object per line");
        }
        var flowEl = root.TryGetProperty("flow", out var fe) ? fe : root;
        var flow = ReadFlow(flowEl);
        var node = Str(root, "node_name");
        var time = root.TryGetProperty("time", out var t) ? ParseTimestamp(t.GetString() ?? "", "time") : flow.Time;
        return new FlowRecord(flow, node.Length > 0 ? node : flow.NodeName, time);
    }

    /// <summary>One streamed <c>GetFlowsResponse</c> line: a flow, or a <c>lost_events</c> notice (<see cref="FlowJson.WriteLost"/>).</summary>
    public static FlowEvent ReadEvent(string line)
    {
        using (var doc = JsonDocument.Parse(line))
        {
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("lost_events", out var lost))
            {
                var count = lost.TryGetProperty("num_events_lost", out var n)
                    ? long.Parse(n.ValueKind == JsonValueKind.String ? n.GetString()! : n.GetRawText(), CultureInfo.InvariantCulture)
                    : 0;
                return new FlowEvent(null, new LostEvents(Str(lost, "source"), count));
            }
        }
        return new FlowEvent(Read(line), null);
    }

    /// <summary>Reads every non-empty line; errors name the line number.</summary>
    public static IReadOnlyList<FlowRecord> ReadLines(string text)
    {
        var list = new List<FlowRecord>();
        var n = 0;
        foreach (var line in text.Split('\n'))
        {
            n++;
            if (line.Trim().Length == 0)
            {
                continue;
            }
            try
            {
                list.Add(Read(line));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
            {
                throw new FormatException($"line {n}: {ex.Message}", ex);
            }
        }
        return list;
    }

    private static Flow ReadFlow(JsonElement e)
    {
        var f = new Flow
        {
            Uuid = Str(e, "uuid"),
            Verdict = En<Verdict>(e, "verdict"),
            DropReason = U32(e, "drop_reason"),
            AuthType = En<AuthType>(e, "auth_type"),
            Type = En<FlowType>(e, "Type"),
            NodeName = Str(e, "node_name"),
            NodeLabels = Strs(e, "node_labels"),
            SourceNames = Strs(e, "source_names"),
            DestinationNames = Strs(e, "destination_names"),
            Reply = Bool(e, "reply"),
            TrafficDirection = En<TrafficDirection>(e, "traffic_direction"),
            PolicyMatchType = U32(e, "policy_match_type"),
            TraceObservationPoint = En<TraceObservationPoint>(e, "trace_observation_point"),
            TraceReason = En<TraceReason>(e, "trace_reason"),
            DropReasonDesc = En<DropReason>(e, "drop_reason_desc"),
            ProxyPort = U32(e, "proxy_port"),
            SocketCookie = U64(e, "socket_cookie"),
            CgroupId = U64(e, "cgroup_id"),
            Summary = Str(e, "Summary"),
            PolicyLog = Strs(e, "policy_log"),
            EgressAllowedBy = Policies(e, "egress_allowed_by"),
            IngressAllowedBy = Policies(e, "ingress_allowed_by"),
            EgressDeniedBy = Policies(e, "egress_denied_by"),
            IngressDeniedBy = Policies(e, "ingress_denied_by"),
        };
        if (e.TryGetProperty("time", out var t))
        {
            f.Time = ParseTimestamp(t.GetString() ?? "", "flow.time");
        }
        if (e.TryGetProperty("is_reply", out var r))
        {
            f.IsReply = r.GetBoolean();
        }
        if (e.TryGetProperty("emitter", out var em))
        {
            f.Emitter = new Emitter(Str(em, "name"), Str(em, "version"));
        }
        if (e.TryGetProperty("ethernet", out var eth))
        {
            f.Ethernet = new Ethernet(Str(eth, "source"), Str(eth, "destination"));
        }
        if (e.TryGetProperty("IP", out var ip))
        {
            f.IP = new IP
            {
                Source = Str(ip, "source"),
                SourceXlated = Str(ip, "source_xlated"),
                Destination = Str(ip, "destination"),
                IpVersion = En<IPVersion>(ip, "ipVersion"),
                Encrypted = Bool(ip, "encrypted"),
            };
        }
        if (e.TryGetProperty("l4", out var l4))
        {
            f.L4 = ReadL4(l4);
        }
        f.Source = e.TryGetProperty("source", out var s) ? ReadEndpoint(s) : null;
        f.Destination = e.TryGetProperty("destination", out var d) ? ReadEndpoint(d) : null;
        if (e.TryGetProperty("l7", out var l7))
        {
            f.L7 = ReadL7(l7);
        }
        if (e.TryGetProperty("event_type", out var et))
        {
            f.EventType = new CiliumEventType((int)I64(et, "type"), (int)I64(et, "sub_type"));
        }
        if (e.TryGetProperty("source_service", out var ss))
        {
            f.SourceService = new Service(Str(ss, "name"), Str(ss, "namespace"));
        }
        if (e.TryGetProperty("destination_service", out var ds))
        {
            f.DestinationService = new Service(Str(ds, "name"), Str(ds, "namespace"));
        }
        if (e.TryGetProperty("interface", out var itf))
        {
            f.Interface = new NetworkInterface(U32(itf, "index"), Str(itf, "name"));
        }
        return f;
    }

    private static Layer4 ReadL4(JsonElement e)
    {
        var l4 = new Layer4();
        if (e.TryGetProperty("TCP", out var tcp))
        {
            TCPFlags? flags = null;
            if (tcp.TryGetProperty("flags", out var fl))
            {
                flags = new TCPFlags(Bool(fl, "FIN"), Bool(fl, "SYN"), Bool(fl, "RST"), Bool(fl, "PSH"), Bool(fl, "ACK"),
                    Bool(fl, "URG"), Bool(fl, "ECE"), Bool(fl, "CWR"), Bool(fl, "NS"));
            }
            l4.TCP = new TCP(U32(tcp, "source_port"), U32(tcp, "destination_port"), flags);
        }
        if (e.TryGetProperty("UDP", out var udp))
        {
            l4.UDP = new UDP(U32(udp, "source_port"), U32(udp, "destination_port"));
        }
        if (e.TryGetProperty("SCTP", out var sctp))
        {
            l4.SCTP = new UDP(U32(sctp, "source_port"), U32(sctp, "destination_port"));
        }
        if (e.TryGetProperty("ICMPv4", out var i4))
        {
            l4.ICMPv4 = new ICMP(U32(i4, "type"), U32(i4, "code"));
        }
        if (e.TryGetProperty("ICMPv6", out var i6))
        {
            l4.ICMPv6 = new ICMP(U32(i6, "type"), U32(i6, "code"));
        }
        return l4;
    }

    private static Endpoint ReadEndpoint(JsonElement e) => new()
    {
        ID = U32(e, "ID"),
        Identity = U32(e, "identity"),
        ClusterName = Str(e, "cluster_name"),
        Namespace = Str(e, "namespace"),
        Labels = Strs(e, "labels"),
        PodName = Str(e, "pod_name"),
        Workloads = e.TryGetProperty("workloads", out var w)
            ? w.EnumerateArray().Select(x => new Workload(Str(x, "name"), Str(x, "kind"))).ToList()
            : [],
    };

    private static Layer7 ReadL7(JsonElement e)
    {
        var l7 = new Layer7 { Type = En<L7FlowType>(e, "type"), LatencyNs = U64(e, "latency_ns") };
        if (e.TryGetProperty("http", out var h))
        {
            l7.Http = new HTTP
            {
                Code = U32(h, "code"),
                Method = Str(h, "method"),
                Url = Str(h, "url"),
                Protocol = Str(h, "protocol"),
                Headers = h.TryGetProperty("headers", out var hs)
                    ? hs.EnumerateArray().Select(x => new HTTPHeader(Str(x, "key"), Str(x, "value"))).ToList()
                    : [],
            };
        }
        if (e.TryGetProperty("dns", out var d))
        {
            l7.Dns = new DNS
            {
                Query = Str(d, "query"),
                Ips = Strs(d, "ips"),
                Ttl = U32(d, "ttl"),
                Cnames = Strs(d, "cnames"),
                ObservationSource = Str(d, "observation_source"),
                Rcode = U32(d, "rcode"),
                Qtypes = Strs(d, "qtypes"),
                Rrtypes = Strs(d, "rrtypes"),
            };
        }
        return l7;
    }

    private static List<Policy> Policies(JsonElement e, string name) => e.TryGetProperty(name, out var arr)
        ? arr.EnumerateArray().Select(p => new Policy(Str(p, "name"), Str(p, "namespace"), Strs(p, "labels"), U64(p, "revision"), Str(p, "kind"))).ToList()
        : [];

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";

    private static List<string> Strs(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.GetBoolean();

    private static uint U32(JsonElement e, string name) => (uint)I64(e, name);

    private static long I64(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return 0;
        }
        return v.ValueKind == JsonValueKind.String
            ? long.Parse(v.GetString()!, CultureInfo.InvariantCulture)
            : v.GetInt64();
    }

    private static ulong U64(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return 0;
        }
        return v.ValueKind == JsonValueKind.String
            ? ulong.Parse(v.GetString()!, CultureInfo.InvariantCulture)
            : v.GetUInt64();
    }

    private static T En<T>(JsonElement e, string name)
        where T : struct, Enum
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return default;
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            return (T)Enum.ToObject(typeof(T), v.GetInt32());
        }
        var text = v.GetString() ?? "";
        return Enum.TryParse<T>(text, ignoreCase: false, out var parsed)
            ? parsed
            : throw new FormatException($"{name}: \"{text}\" is not a {typeof(T).Name} value");
    }

    /// <summary>Parses RFC 3339 with up to 9 fractional digits, keeping every nanosecond.</summary>
    public static Timestamp ParseTimestamp(string text, string field)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var end = text.IndexOfAny(['Z', '+'], Math.Max(dot, 0));
        if (end < 0 || !DateTimeOffset.TryParse(
                (dot < 0 ? text[..end] : text[..dot]) + text[end..].Replace("Z", "+00:00", StringComparison.Ordinal),
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var whole))
        {
            throw new FormatException($"{field}: \"{text}\" is not an RFC 3339 time");
        }
        var nanos = 0;
        if (dot >= 0)
        {
            var digits = text[(dot + 1)..end];
            nanos = int.Parse(digits.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
        }
        return new Timestamp(whole.ToUnixTimeSeconds(), nanos);
    }
}
