namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Writes flows exactly as <c>hubble observe -o jsonpb</c> prints them: one <c>GetFlowsResponse</c> per line,
/// <c>{"flow":{…},"node_name":"…","time":"…"}</c>, proto field names in declaration order, enums as names,
/// 64-bit integers as strings, zero values omitted. Reading is in <see cref="FlowJsonReader"/>.
/// </summary>
public static class FlowJson
{
    /// <summary>One line (without the trailing newline).</summary>
    public static string Write(FlowRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var j = new JsonText();
        j.BeginObject();
        WriteFlow(j, "flow", record.Flow);
        j.String("node_name", record.NodeName);
        j.Timestamp("time", record.Time);
        j.EndObject();
        return j.ToString();
    }

    /// <summary>
    /// A <c>GetFlowsResponse</c> carrying <c>lost_events</c> instead of a flow, as Hubble streams it when a follower
    /// or a ring fell behind: <c>{"lost_events":{"source":"…","num_events_lost":"N"},"node_name":"…","time":"…"}</c>.
    /// </summary>
    public static string WriteLost(LostEvents lost, string nodeName, Timestamp time)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var j = new JsonText();
        j.BeginObject();
        j.BeginObject("lost_events");
        j.String("source", lost.Source);
        j.Uint64("num_events_lost", (ulong)lost.Count);
        j.EndObject();
        j.String("node_name", nodeName);
        j.Timestamp("time", time);
        j.EndObject();
        return j.ToString();
    }

    /// <summary>The bare flow object (Hubble's legacy <c>-o json</c>).</summary>
    public static string WriteFlow(Flow flow)
    {
        var j = new JsonText();
        WriteFlow(j, null, flow);
        return j.ToString();
    }

    private static void WriteFlow(JsonText j, string? name, Flow f)
    {
        j.BeginObject(name);
        j.Timestamp("time", f.Time);
        j.String("uuid", f.Uuid);
        if (f.Emitter is { } em)
        {
            j.BeginObject("emitter");
            j.String("name", em.Name);
            j.String("version", em.Version);
            j.EndObject();
        }
        j.Enum("verdict", f.Verdict);
        j.Number("drop_reason", f.DropReason);
        j.Enum("auth_type", f.AuthType);
        if (f.Ethernet is { } eth)
        {
            j.BeginObject("ethernet");
            j.String("source", eth.Source);
            j.String("destination", eth.Destination);
            j.EndObject();
        }
        if (f.IP is { } ip)
        {
            j.BeginObject("IP");
            j.String("source", ip.Source);
            j.String("source_xlated", ip.SourceXlated);
            j.String("destination", ip.Destination);
            j.Enum("ipVersion", ip.IpVersion);
            j.Bool("encrypted", ip.Encrypted);
            j.EndObject();
        }
        if (f.L4 is { } l4)
        {
            WriteL4(j, l4);
        }
        WriteEndpoint(j, "source", f.Source);
        WriteEndpoint(j, "destination", f.Destination);
        j.Enum("Type", f.Type);
        j.String("node_name", f.NodeName);
        j.StringList("node_labels", f.NodeLabels);
        j.StringList("source_names", f.SourceNames);
        j.StringList("destination_names", f.DestinationNames);
        if (f.L7 is { } l7)
        {
            WriteL7(j, l7);
        }
        j.Bool("reply", f.Reply);
        if (f.EventType is { } et)
        {
            j.BeginObject("event_type");
            j.Number("type", et.Type);
            j.Number("sub_type", et.SubType);
            j.EndObject();
        }
        WriteService(j, "source_service", f.SourceService);
        WriteService(j, "destination_service", f.DestinationService);
        j.Enum("traffic_direction", f.TrafficDirection);
        j.Number("policy_match_type", f.PolicyMatchType);
        j.Enum("trace_observation_point", f.TraceObservationPoint);
        j.Enum("trace_reason", f.TraceReason);
        j.Enum("drop_reason_desc", f.DropReasonDesc);
        j.BoolValue("is_reply", f.IsReply);
        if (f.Interface is { } itf)
        {
            j.BeginObject("interface");
            j.Number("index", itf.Index);
            j.String("name", itf.Name);
            j.EndObject();
        }
        j.Number("proxy_port", f.ProxyPort);
        j.Uint64("socket_cookie", f.SocketCookie);
        j.Uint64("cgroup_id", f.CgroupId);
        j.String("Summary", f.Summary);
        WritePolicies(j, "egress_allowed_by", f.EgressAllowedBy);
        WritePolicies(j, "ingress_allowed_by", f.IngressAllowedBy);
        WritePolicies(j, "egress_denied_by", f.EgressDeniedBy);
        WritePolicies(j, "ingress_denied_by", f.IngressDeniedBy);
        j.StringList("policy_log", f.PolicyLog);
        j.EndObject();
    }

    private static void WriteL4(JsonText j, Layer4 l4)
    {
        j.BeginObject("l4");
        if (l4.TCP is { } tcp)
        {
            j.BeginObject("TCP");
            j.Number("source_port", tcp.SourcePort);
            j.Number("destination_port", tcp.DestinationPort);
            if (tcp.Flags is { } fl)
            {
                j.BeginObject("flags");
                j.Bool("FIN", fl.FIN);
                j.Bool("SYN", fl.SYN);
                j.Bool("RST", fl.RST);
                j.Bool("PSH", fl.PSH);
                j.Bool("ACK", fl.ACK);
                j.Bool("URG", fl.URG);
                j.Bool("ECE", fl.ECE);
                j.Bool("CWR", fl.CWR);
                j.Bool("NS", fl.NS);
                j.EndObject();
            }
            j.EndObject();
        }
        WritePorts(j, "UDP", l4.UDP);
        WriteIcmp(j, "ICMPv4", l4.ICMPv4);
        WriteIcmp(j, "ICMPv6", l4.ICMPv6);
        WritePorts(j, "SCTP", l4.SCTP);
        j.EndObject();
    }

    private static void WritePorts(JsonText j, string name, UDP? p)
    {
        if (p is null)
        {
            return;
        }
        j.BeginObject(name);
        j.Number("source_port", p.SourcePort);
        j.Number("destination_port", p.DestinationPort);
        j.EndObject();
    }

    private static void WriteIcmp(JsonText j, string name, ICMP? icmp)
    {
        if (icmp is null)
        {
            return;
        }
        j.BeginObject(name);
        j.Number("type", icmp.Type);
        j.Number("code", icmp.Code);
        j.EndObject();
    }

    private static void WriteEndpoint(JsonText j, string name, Endpoint? ep)
    {
        if (ep is null)
        {
            return;
        }
        j.BeginObject(name);
        j.Number("ID", ep.ID);
        j.Number("identity", ep.Identity);
        j.String("cluster_name", ep.ClusterName);
        j.String("namespace", ep.Namespace);
        j.StringList("labels", ep.Labels);
        j.String("pod_name", ep.PodName);
        if (ep.Workloads.Count > 0)
        {
            j.BeginArray("workloads");
            foreach (var w in ep.Workloads)
            {
                j.BeginObject();
                j.String("name", w.Name);
                j.String("kind", w.Kind);
                j.EndObject();
            }
            j.EndArray();
        }
        j.EndObject();
    }

    private static void WriteService(JsonText j, string name, Service? svc)
    {
        if (svc is null)
        {
            return;
        }
        j.BeginObject(name);
        j.String("name", svc.Name);
        j.String("namespace", svc.Namespace);
        j.EndObject();
    }

    private static void WriteL7(JsonText j, Layer7 l7)
    {
        j.BeginObject("l7");
        j.Enum("type", l7.Type);
        j.Uint64("latency_ns", l7.LatencyNs);
        if (l7.Dns is { } dns)
        {
            j.BeginObject("dns");
            j.String("query", dns.Query);
            j.StringList("ips", dns.Ips);
            j.Number("ttl", dns.Ttl);
            j.StringList("cnames", dns.Cnames);
            j.String("observation_source", dns.ObservationSource);
            j.Number("rcode", dns.Rcode);
            j.StringList("qtypes", dns.Qtypes);
            j.StringList("rrtypes", dns.Rrtypes);
            j.EndObject();
        }
        if (l7.Http is { } http)
        {
            j.BeginObject("http");
            j.Number("code", http.Code);
            j.String("method", http.Method);
            j.String("url", http.Url);
            j.String("protocol", http.Protocol);
            if (http.Headers.Count > 0)
            {
                j.BeginArray("headers");
                foreach (var h in http.Headers)
                {
                    j.BeginObject();
                    j.String("key", h.Key);
                    j.String("value", h.Value);
                    j.EndObject();
                }
                j.EndArray();
            }
            j.EndObject();
        }
        j.EndObject();
    }

    private static void WritePolicies(JsonText j, string name, List<Policy> policies)
    {
        if (policies.Count == 0)
        {
            return;
        }
        j.BeginArray(name);
        foreach (var p in policies)
        {
            j.BeginObject();
            j.String("name", p.Name);
            j.String("namespace", p.Namespace);
            j.StringList("labels", p.Labels.ToList());
            j.Uint64("revision", p.Revision);
            j.String("kind", p.Kind);
            j.EndObject();
        }
        j.EndArray();
    }
}
