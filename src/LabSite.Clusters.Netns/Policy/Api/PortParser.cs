using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Fqdn;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>Parses <c>toPorts</c> and <c>icmps</c> of a peer rule.</summary>
internal static class PortParser
{
    public static List<PortRule>? ToPorts(JsonFields f, JsonObject o, string path, bool deny, bool ingress = false)
    {
        if (f.Array(o, path, "toPorts") is not { } items)
        {
            return null;
        }
        var list = new List<PortRule>();
        for (var i = 0; i < items.Count; i++)
        {
            var p = JsonFields.Index(JsonFields.Join(path, "toPorts"), i);
            if (items[i] is not JsonObject tp)
            {
                f.Error(p, "expected {ports, rules}");
                continue;
            }
            foreach (var (key, _) in tp)
            {
                switch (key)
                {
                    case "ports":
                        break;
                    case "rules" when deny:
                        f.Error(JsonFields.Join(p, key), "deny rules cannot carry L7 rules (Cilium rejects this too)");
                        break;
                    case "rules":
                        break;
                    case "serverNames" or "terminatingTLS" or "originatingTLS" or "listener":
                        f.Error(JsonFields.Join(p, key), $"{key} needs Envoy and is not supported by the netns backend");
                        break;
                    default:
                        f.Error(JsonFields.Join(p, key), $"unknown field \"{key}\" (known here: ports, rules)");
                        break;
                }
            }
            var ports = new List<PortProtocol>();
            var arr = f.Array(tp, p, "ports");
            for (var j = 0; j < (arr?.Count ?? 0); j++)
            {
                if (Port(f, arr![j], JsonFields.Index(JsonFields.Join(p, "ports"), j)) is { } pp)
                {
                    ports.Add(pp);
                }
            }
            var (http, dns) = deny ? (null, null) : Rules(f, tp, p, ports);
            if (dns is not null && ingress)
            {
                f.Error(JsonFields.Join(JsonFields.Join(p, "rules"), "dns"), "DNS rules apply to egress only (a pod's own queries), as in Cilium");
                dns = null;
            }
            list.Add(new PortRule(ports, http, dns));
        }
        return list;
    }

    /// <summary>
    /// Reads <c>rules</c>: only <c>http</c> is enforced (by the netns L7 proxy); other kinds are refused so a policy
    /// never looks enforced when it is not. HTTP runs on TCP, so the ports must be single TCP (or ANY) ports.
    /// </summary>
    private static (List<HttpRule>? Http, List<FqdnSelector>? Dns) Rules(JsonFields f, JsonObject tp, string path, List<PortProtocol> ports)
    {
        if (f.Object(tp, path, "rules") is not { } rules)
        {
            return (null, null);
        }
        var at = JsonFields.Join(path, "rules");
        List<HttpRule>? http = null;
        List<FqdnSelector>? dns = null;
        foreach (var (key, _) in rules)
        {
            switch (key)
            {
                case "http":
                    if (f.Array(rules, at, "http") is not { } items)
                    {
                        break;
                    }
                    if (items.Count == 0)
                    {
                        f.Error(JsonFields.Join(at, "http"), "is empty; write [{}] to allow all HTTP or remove rules");
                        break;
                    }
                    http = HttpRuleJson.Parse(items, JsonFields.Join(at, "http"), f.Error).ToList();
                    break;
                case "dns":
                    dns = FqdnParser.Selectors(f, rules, at, "dns");
                    if (dns is { Count: 0 })
                    {
                        f.Error(JsonFields.Join(at, "dns"), "is empty; write [{matchPattern: \"*\"}] to allow every name or remove rules");
                    }
                    break;
                case "kafka" or "l7proto" or "l7":
                    f.Error(JsonFields.Join(at, key), $"{key} rules are not supported by the netns backend (only http and dns)");
                    break;
                default:
                    f.Error(JsonFields.Join(at, key), $"unknown field \"{key}\" (known here: http, dns, kafka, l7proto, l7)");
                    break;
            }
        }
        if (http is not null && dns is not null)
        {
            f.Error(at, "only one kind of L7 rules per port rule (http or dns), as in Cilium");
        }
        if (dns is not null)
        {
            CheckDnsPorts(f, path, ports);
            return (null, dns);
        }
        if (http is null)
        {
            return (null, null);
        }
        if (ports.Count == 0)
        {
            f.Error(JsonFields.Join(path, "ports"), "HTTP rules need at least one port");
        }
        foreach (var pp in ports)
        {
            if (pp.Protocol is not (L4Protocol.TCP or L4Protocol.Any) || pp.EndPort != 0 || (pp.Port == 0 && pp.NamedPort is null))
            {
                f.Error(JsonFields.Join(path, "ports"), $"HTTP rules need single TCP ports; {Describe(pp)} is not one");
            }
        }
        return (http, null);
    }

    /// <summary>
    /// DNS rules are judged by the lab's DNS proxy, which serves cluster DNS on port 53 of the node: the rule must
    /// name that port (UDP, TCP or ANY), as Cilium's DNS rules name the port of the DNS server they police.
    /// </summary>
    private static void CheckDnsPorts(JsonFields f, string path, List<PortProtocol> ports)
    {
        if (ports.Count == 0)
        {
            f.Error(JsonFields.Join(path, "ports"), "DNS rules need a port (53)");
        }
        foreach (var pp in ports)
        {
            if (pp.NamedPort is not null || pp.Port != 53 || pp.EndPort != 0 || pp.Protocol is not (L4Protocol.UDP or L4Protocol.TCP or L4Protocol.Any))
            {
                f.Error(JsonFields.Join(path, "ports"), $"DNS rules police the lab's DNS server on port 53 (UDP, TCP or ANY); {Describe(pp)} is not it");
            }
        }
    }

    private static string Describe(PortProtocol pp) =>
        $"{pp.NamedPort ?? pp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(pp.EndPort != 0 ? $"-{pp.EndPort}" : "")}/{pp.Protocol}";

    private static PortProtocol? Port(JsonFields f, JsonNode? node, string path)
    {
        if (node is not JsonObject o)
        {
            f.Error(path, "expected {port, endPort, protocol}");
            return null;
        }
        f.RejectUnknown(o, path, "port", "endPort", "protocol");
        var protoText = f.String(o, path, "protocol") ?? "ANY";
        var proto = RuleValidation.ParseProtocol(protoText, out var perr);
        if (proto is null)
        {
            f.Error(JsonFields.Join(path, "protocol"), perr!);
            return null;
        }
        var portText = f.String(o, path, "port") ?? "";
        ushort port = 0;
        string? named = null;
        if (portText.Length > 0 && !ushort.TryParse(portText, out port))
        {
            if (portText.All(char.IsAsciiDigit) || portText.StartsWith('-'))
            {
                f.Error(JsonFields.Join(path, "port"), $"{portText} is out of range 0-65535");
                return null;
            }
            if (!RuleValidation.IsNamedPort(portText))
            {
                f.Error(JsonFields.Join(path, "port"), $"\"{portText}\" is neither a port number nor a valid port name (IANA_SVC_NAME: 1-15 lowercase letters, digits, '-')");
                return null;
            }
            named = portText;
        }
        var endPort = (ushort)(f.Integer(o, path, "endPort", 0, 65535) ?? 0);
        if (endPort != 0)
        {
            if (named is not null || port == 0)
            {
                f.Error(JsonFields.Join(path, "endPort"), "needs a numeric, non-zero port");
                return null;
            }
            if (endPort < port)
            {
                f.Error(JsonFields.Join(path, "endPort"), $"{endPort} is below port {port}");
                return null;
            }
        }
        if (proto is L4Protocol.ICMP or L4Protocol.ICMPv6 or L4Protocol.VRRP or L4Protocol.IGMP && (port != 0 || named is not null))
        {
            f.Error(JsonFields.Join(path, "port"), $"protocol {protoText} has no ports; use icmps for ICMP types");
            return null;
        }
        return new PortProtocol(port, named, endPort == port ? (ushort)0 : endPort, proto.Value);
    }

    public static List<IcmpRule>? Icmps(JsonFields f, JsonObject o, string path)
    {
        if (f.Array(o, path, "icmps") is not { } items)
        {
            return null;
        }
        var list = new List<IcmpRule>();
        for (var i = 0; i < items.Count; i++)
        {
            var p = JsonFields.Index(JsonFields.Join(path, "icmps"), i);
            if (items[i] is not JsonObject icmp)
            {
                f.Error(p, "expected {fields: [...]}");
                continue;
            }
            f.RejectUnknown(icmp, p, "fields");
            var fields = f.Array(icmp, p, "fields");
            for (var j = 0; j < (fields?.Count ?? 0); j++)
            {
                var pf = JsonFields.Index(JsonFields.Join(p, "fields"), j);
                if (fields![j] is not JsonObject field)
                {
                    f.Error(pf, "expected {type, family}");
                    continue;
                }
                f.RejectUnknown(field, pf, "type", "family");
                var family = f.String(field, pf, "family") ?? "IPv4";
                if (family is not ("IPv4" or "IPv6"))
                {
                    f.Error(JsonFields.Join(pf, "family"), $"\"{family}\" is not IPv4 or IPv6");
                    continue;
                }
                var typeText = f.String(field, pf, "type");
                if (typeText is null)
                {
                    f.Error(JsonFields.Join(pf, "type"), "required");
                    continue;
                }
                if (RuleValidation.ParseIcmpType(typeText, family == "IPv6", out var err) is { } type)
                {
                    list.Add(new IcmpRule(type, family == "IPv6"));
                }
                else
                {
                    f.Error(JsonFields.Join(pf, "type"), err!);
                }
            }
        }
        return list;
    }
}
