using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// The rules of a policy repository as <c>cilium-dbg policy get</c> prints them: Go's MarshalIndent (two spaces) of
/// <c>api.Rules</c>, fields in the Go structs' order (pkg/policy/api: Rule, IngressRule, EgressRule, PortRule,
/// PortRuleHTTP, CIDRRule), selectors with their label sources and the namespace requirement Cilium added
/// (<c>"any:class"</c>, <c>"k8s:io.kubernetes.pod.namespace"</c>), and each rule's <c>io.cilium.k8s.policy.*</c>
/// labels. Written from the parsed rules, so it shows what is enforced, not what was typed.
/// </summary>
public static class PolicyRepositoryJson
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="policies">The repository's policies, in order.</param>
    /// <param name="uidOf">The Kubernetes uid of a policy object (label <c>io.cilium.k8s.policy.uid</c>); null omits it.</param>
    public static string Write(IEnumerable<ParsedPolicy> policies, Func<PolicySource, string?> uidOf)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(uidOf);
        var rules = policies.SelectMany(p => p.Rules).ToList();
        if (rules.Count == 0)
        {
            // Go marshals an empty (non-nil) slice as [] and MarshalIndent keeps it on one line.
            return "[]";
        }
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, s_options))
        {
            w.WriteStartArray();
            foreach (var rule in rules)
            {
                WriteRule(w, rule, uidOf(rule.Source));
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRule(Utf8JsonWriter w, PolicyRule rule, string? uid)
    {
        w.WriteStartObject();
        w.WritePropertyName("endpointSelector");
        WriteSelector(w, rule.Subject);
        WriteSection(w, "ingress", rule.Ingress, ingress: true);
        WriteSection(w, "ingressDeny", rule.IngressDeny, ingress: true);
        WriteSection(w, "egress", rule.Egress, ingress: false);
        WriteSection(w, "egressDeny", rule.EgressDeny, ingress: false);
        w.WriteStartArray("labels");
        var s = rule.Source;
        WriteLabel(w, "io.cilium.k8s.policy.derived-from", s.Kind);
        WriteLabel(w, "io.cilium.k8s.policy.name", s.Name);
        if (s.Namespace is { } ns)
        {
            WriteLabel(w, "io.cilium.k8s.policy.namespace", ns);
        }
        if (uid is { Length: > 0 })
        {
            WriteLabel(w, "io.cilium.k8s.policy.uid", uid);
        }
        w.WriteEndArray();
        if (rule.EnableDefaultDenyIngress is not null || rule.EnableDefaultDenyEgress is not null)
        {
            w.WriteStartObject("enableDefaultDeny");
            if (rule.EnableDefaultDenyIngress is { } i)
            {
                w.WriteBoolean("ingress", i);
            }
            if (rule.EnableDefaultDenyEgress is { } e)
            {
                w.WriteBoolean("egress", e);
            }
            w.WriteEndObject();
        }
        if (rule.Description is { Length: > 0 } d)
        {
            w.WriteString("description", d);
        }
        w.WriteEndObject();
    }

    private static void WriteLabel(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteString("source", "k8s");
        w.WriteEndObject();
    }

    /// <summary>A section that was written (even <c>[]</c>) is printed; an absent one (null) is omitted, as omitempty does for nil.</summary>
    private static void WriteSection(Utf8JsonWriter w, string name, IReadOnlyList<PeerRule>? peers, bool ingress)
    {
        if (peers is not { Count: > 0 })
        {
            return;
        }
        var dir = ingress ? "from" : "to";
        w.WriteStartArray(name);
        foreach (var p in peers)
        {
            w.WriteStartObject();
            if (p.Endpoints is { } endpoints)
            {
                w.WriteStartArray(dir + "Endpoints");
                foreach (var selector in endpoints)
                {
                    WriteSelector(w, selector);
                }
                w.WriteEndArray();
            }
            if (p.Cidrs?.Where(c => c.Except.Count == 0).ToList() is { Count: > 0 } plain)
            {
                w.WriteStartArray(dir + "CIDR");
                plain.ForEach(c => w.WriteStringValue(c.Cidr.ToString()));
                w.WriteEndArray();
            }
            if (p.Cidrs?.Where(c => c.Except.Count > 0).ToList() is { Count: > 0 } sets)
            {
                w.WriteStartArray(dir + "CIDRSet");
                foreach (var c in sets)
                {
                    w.WriteStartObject();
                    w.WriteString("cidr", c.Cidr.ToString());
                    w.WriteStartArray("except");
                    c.Except.ToList().ForEach(e => w.WriteStringValue(e.ToString()));
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (p.Entities is { } entities)
            {
                w.WriteStartArray(dir + "Entities");
                entities.ToList().ForEach(e => w.WriteStringValue(e.Name));
                w.WriteEndArray();
            }
            if (p.ToPorts is { Count: > 0 } ports)
            {
                WritePorts(w, ports);
            }
            if (p.Icmps is { Count: > 0 } icmps)
            {
                w.WriteStartArray("icmps");
                w.WriteStartObject();
                w.WriteStartArray("fields");
                foreach (var icmp in icmps)
                {
                    w.WriteStartObject();
                    w.WriteString("family", icmp.IPv6 ? "IPv6" : "IPv4");
                    w.WriteNumber("type", icmp.Type);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
            }
            if (p.Auth == AuthMode.Required)
            {
                w.WriteStartObject("authentication");
                w.WriteString("mode", "required");
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WritePorts(Utf8JsonWriter w, IReadOnlyList<PortRule> ports)
    {
        w.WriteStartArray("toPorts");
        foreach (var rule in ports)
        {
            w.WriteStartObject();
            w.WriteStartArray("ports");
            foreach (var pp in rule.Ports)
            {
                w.WriteStartObject();
                var port = pp.NamedPort ?? (pp.Port == 0 ? "" : pp.Port.ToString(CultureInfo.InvariantCulture));
                if (port.Length > 0)
                {
                    w.WriteString("port", port);
                }
                if (pp.EndPort != 0)
                {
                    w.WriteNumber("endPort", pp.EndPort);
                }
                w.WriteString("protocol", pp.Protocol == L4Protocol.Any ? "ANY" : pp.Protocol.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (rule.Http is { } http)
            {
                w.WriteStartObject("rules");
                w.WriteStartArray("http");
                foreach (var h in http)
                {
                    // PortRuleHTTP declares Path before Method.
                    w.WriteStartObject();
                    WriteIfSet(w, "path", h.Path);
                    WriteIfSet(w, "method", h.Method);
                    WriteIfSet(w, "host", h.Host);
                    if (h.Headers.Count > 0)
                    {
                        w.WriteStartArray("headers");
                        h.Headers.ToList().ForEach(w.WriteStringValue);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length > 0)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>
    /// A selector as slim/LabelSelector marshals: <c>matchLabels</c> (single-value In requirements, keys sorted as Go
    /// sorts map keys) then <c>matchExpressions</c>; keys carry their source (<c>any:</c>, <c>k8s:</c>, <c>reserved:</c>).
    /// </summary>
    private static void WriteSelector(Utf8JsonWriter w, EndpointSelector selector)
    {
        w.WriteStartObject();
        var labels = selector.Requirements.Where(r => r is { Operator: SelectorOperator.In, Values.Count: 1 })
            .OrderBy(r => $"{r.Source}:{r.Key}", StringComparer.Ordinal).ToList();
        if (labels.Count > 0)
        {
            w.WriteStartObject("matchLabels");
            labels.ForEach(r => w.WriteString($"{r.Source}:{r.Key}", r.Values[0]));
            w.WriteEndObject();
        }
        var expressions = selector.Requirements.Except(labels).ToList();
        if (expressions.Count > 0)
        {
            w.WriteStartArray("matchExpressions");
            foreach (var r in expressions)
            {
                w.WriteStartObject();
                w.WriteString("key", $"{r.Source}:{r.Key}");
                w.WriteString("operator", r.Operator.ToString());
                if (r.Values.Count > 0)
                {
                    w.WriteStartArray("values");
                    r.Values.ToList().ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
