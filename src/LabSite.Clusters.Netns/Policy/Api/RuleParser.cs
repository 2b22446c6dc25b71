using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Parses one Cilium rule (a CNP/CCNP <c>spec</c> or <c>specs[i]</c>) into a <see cref="PolicyRule"/>. Fields the
/// netns datapath cannot enforce yet are rejected with a message saying so, never dropped.
/// </summary>
internal static class RuleParser
{
    private static readonly string[] s_ruleFields =
        ["endpointSelector", "nodeSelector", "ingress", "ingressDeny", "egress", "egressDeny", "labels", "description", "enableDefaultDeny", "log"];

    private static readonly string[] s_ingressPeers = ["fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities"];
    private static readonly string[] s_egressPeers = ["toEndpoints", "toCIDR", "toCIDRSet", "toEntities"];

    // Fields Cilium has that this backend does not enforce yet: named so the error says "not supported", not "unknown".
    private static readonly Dictionary<string, string> s_unsupported = new()
    {
        ["fromRequires"] = "fromRequires is deprecated in Cilium and not supported here",
        ["toRequires"] = "toRequires is deprecated in Cilium and not supported here",
        ["fromGroups"] = "fromGroups (cloud provider groups) is not supported by the netns backend",
        ["toGroups"] = "toGroups (cloud provider groups) is not supported by the netns backend",
        ["fromNodes"] = "fromNodes needs node identities, which the netns backend does not have",
        ["toNodes"] = "toNodes needs node identities, which the netns backend does not have",
        ["toServices"] = "toServices is not supported by the netns backend yet; select the service's pods with toEndpoints",
    };

    public static PolicyRule? Parse(JsonFields f, JsonNode? node, string path, PolicySource source)
    {
        if (node is not JsonObject rule)
        {
            f.Error(path, $"expected a rule object, got {(node is null ? "nothing" : JsonFields.Describe(node))}");
            return null;
        }
        f.RejectUnknown(rule, path, s_ruleFields);
        var ns = source.Namespace;
        if (rule["nodeSelector"] is not null)
        {
            f.Error(JsonFields.Join(path, "nodeSelector"), source.Kind == PolicyKinds.Clusterwide
                ? "host policies (nodeSelector) are not supported by the netns backend"
                : "nodeSelector is only allowed in a CiliumClusterwideNetworkPolicy");
        }
        var subject = SelectorParser.Parse(f, rule["endpointSelector"], JsonFields.Join(path, "endpointSelector"));
        if (subject is null && rule["nodeSelector"] is null)
        {
            f.Error(JsonFields.Join(path, "endpointSelector"), "required (exactly one of endpointSelector or nodeSelector)");
        }
        bool? ddIngress = null, ddEgress = null;
        if (f.Object(rule, path, "enableDefaultDeny") is { } dd)
        {
            var p = JsonFields.Join(path, "enableDefaultDeny");
            f.RejectUnknown(dd, p, "ingress", "egress");
            ddIngress = f.Bool(dd, p, "ingress");
            ddEgress = f.Bool(dd, p, "egress");
        }
        if (f.Object(rule, path, "log") is { } log)
        {
            var p = JsonFields.Join(path, "log");
            f.RejectUnknown(log, p, "value");
            if (f.String(log, p, "value") is { Length: > 32 } v)
            {
                f.Error(JsonFields.Join(p, "value"), $"at most 32 characters, got {v.Length}");
            }
        }
        var ingress = Peers(f, rule, path, "ingress", ingress: true, deny: false, ns);
        var ingressDeny = Peers(f, rule, path, "ingressDeny", ingress: true, deny: true, ns);
        var egress = Peers(f, rule, path, "egress", ingress: false, deny: false, ns);
        var egressDeny = Peers(f, rule, path, "egressDeny", ingress: false, deny: true, ns);
        return new PolicyRule(
            source,
            NamespaceScope.Subject(subject ?? EndpointSelector.Wildcard, ns),
            ingress, ingressDeny, egress, egressDeny, ddIngress, ddEgress,
            f.String(rule, path, "description"));
    }

    private static List<PeerRule>? Peers(JsonFields f, JsonObject rule, string path, string field, bool ingress, bool deny, string? ns)
    {
        if (f.Array(rule, path, field) is not { } items)
        {
            return null;
        }
        var list = new List<PeerRule>();
        for (var i = 0; i < items.Count; i++)
        {
            var p = JsonFields.Index(JsonFields.Join(path, field), i);
            if (ParsePeer(f, items[i], p, ingress, deny, ns) is { } peer)
            {
                list.Add(peer);
            }
        }
        return list;
    }

    private static PeerRule? ParsePeer(JsonFields f, JsonNode? node, string path, bool ingress, bool deny, string? ns)
    {
        if (node is not JsonObject o)
        {
            f.Error(path, $"expected an object, got {(node is null ? "null" : JsonFields.Describe(node))}");
            return null;
        }
        var peers = ingress ? s_ingressPeers : s_egressPeers;
        foreach (var (key, _) in o)
        {
            if (s_unsupported.TryGetValue(key, out var why))
            {
                f.Error(JsonFields.Join(path, key), why);
            }
            else if (key == "toFQDNs" && ingress)
            {
                f.Error(JsonFields.Join(path, key), "toFQDNs is an egress peer (Cilium has no fromFQDNs)");
            }
            else if (key == "authentication" && deny)
            {
                f.Error(JsonFields.Join(path, key), $"authentication is not allowed in {(ingress ? "ingressDeny" : "egressDeny")} (a deny needs no peer to authenticate, as in Cilium)");
            }
            else if (!peers.Contains(key) && key is not ("toPorts" or "icmps" or "toFQDNs" or "authentication"))
            {
                f.Error(JsonFields.Join(path, key), $"unknown field \"{key}\" (known here: {string.Join(", ", peers)}, toPorts, icmps)");
            }
        }
        var fqdns = ingress ? null : FqdnParser.Selectors(f, o, path, "toFQDNs");
        if (fqdns is not null && deny)
        {
            f.Error(JsonFields.Join(path, "toFQDNs"), "toFQDNs is not allowed in egressDeny (as in Cilium)");
        }
        var endpoints = Selectors(f, o, path, peers[0], ns);
        var cidrs = Cidrs(f, o, path, peers[1], peers[2]);
        var entities = Entities(f, o, path, peers[3]);
        var ports = PortParser.ToPorts(f, o, path, deny, ingress);
        var icmps = PortParser.Icmps(f, o, path);
        if (ports is { Count: > 0 } && icmps is { Count: > 0 })
        {
            f.Error(JsonFields.Join(path, "icmps"), "icmps may only be used without toPorts in the same rule (as in Cilium)");
        }
        var auth = deny ? AuthMode.Disabled : Authentication(f, o, path);
        return new PeerRule(endpoints, cidrs, entities, ports, icmps, fqdns, auth);
    }

    /// <summary>
    /// <c>authentication: {mode: required|disabled}</c> on an allow rule (Cilium's Authentication). Cilium's third mode,
    /// <c>test-always-fail</c>, exists for its own tests and is refused here, as is every other value.
    /// </summary>
    private static AuthMode Authentication(JsonFields f, JsonObject o, string path)
    {
        if (f.Object(o, path, "authentication") is not { } auth)
        {
            return AuthMode.Disabled;
        }
        var p = JsonFields.Join(path, "authentication");
        f.RejectUnknown(auth, p, "mode");
        switch (auth["mode"])
        {
            case null:
                f.Error(JsonFields.Join(p, "mode"), "Required value: mode must be \"required\" or \"disabled\"");
                return AuthMode.Disabled;
            case JsonValue v when v.TryGetValue<string>(out var mode) && mode == "required":
                return AuthMode.Required;
            case JsonValue v when v.TryGetValue<string>(out var mode) && mode == "disabled":
                return AuthMode.Disabled;
            case var other:
                // The value is echoed, cut short: a stranger's megabyte of text does not belong in an error line.
                var text = other.ToJsonString();
                f.Error(JsonFields.Join(p, "mode"), $"Unsupported value: {(text.Length > 40 ? text[..40] + "..." : text)}: supported values: \"disabled\", \"required\"");
                return AuthMode.Disabled;
        }
    }

    private static List<EndpointSelector>? Selectors(JsonFields f, JsonObject o, string path, string field, string? ns)
    {
        if (f.Array(o, path, field) is not { } items)
        {
            return null;
        }
        var list = new List<EndpointSelector>();
        for (var i = 0; i < items.Count; i++)
        {
            if (SelectorParser.Parse(f, items[i] ?? new JsonObject(), JsonFields.Index(JsonFields.Join(path, field), i)) is { } s)
            {
                list.Add(NamespaceScope.Peer(s, ns));
            }
        }
        return list;
    }

    private static List<CidrRule>? Cidrs(JsonFields f, JsonObject o, string path, string cidrField, string setField)
    {
        var plain = f.Array(o, path, cidrField);
        var sets = f.Array(o, path, setField);
        if (plain is null && sets is null)
        {
            return null;
        }
        var list = new List<CidrRule>();
        for (var i = 0; i < (plain?.Count ?? 0); i++)
        {
            if (Cidr(f, JsonFields.Index(JsonFields.Join(path, cidrField), i), plain![i]?.ToString() ?? "") is { } net)
            {
                list.Add(new CidrRule(net, []));
            }
        }
        for (var i = 0; i < (sets?.Count ?? 0); i++)
        {
            var p = JsonFields.Index(JsonFields.Join(path, setField), i);
            if (sets![i] is not JsonObject set)
            {
                f.Error(p, "expected {cidr, except}");
                continue;
            }
            foreach (var (key, _) in set)
            {
                if (key is "cidrGroupRef" or "cidrGroupSelector")
                {
                    f.Error(JsonFields.Join(p, key), $"{key} (CiliumCIDRGroup) is not supported by the netns backend");
                }
                else if (key is not ("cidr" or "except"))
                {
                    f.Error(JsonFields.Join(p, key), $"unknown field \"{key}\" (known here: cidr, except)");
                }
            }
            var text = f.String(set, p, "cidr");
            if (text is null)
            {
                f.Error(JsonFields.Join(p, "cidr"), "required");
                continue;
            }
            if (Cidr(f, JsonFields.Join(p, "cidr"), text) is not { } net)
            {
                continue;
            }
            var except = new List<System.Net.IPNetwork>();
            var ex = f.Array(set, p, "except");
            for (var j = 0; j < (ex?.Count ?? 0); j++)
            {
                var pe = JsonFields.Index(JsonFields.Join(p, "except"), j);
                if (Cidr(f, pe, ex![j]?.ToString() ?? "") is not { } x)
                {
                    continue;
                }
                if (!CidrRule.Contains(net, x))
                {
                    f.Error(pe, $"{x} is not inside {net}");
                }
                else
                {
                    except.Add(x);
                }
            }
            list.Add(new CidrRule(net, except));
        }
        return list;
    }

    /// <summary>
    /// A CIDR field: refused with an error when it is not a CIDR; with bits set after the prefix, the masked network
    /// plus the API server's warning (kubectl apply succeeds and prints it).
    /// </summary>
    internal static System.Net.IPNetwork? Cidr(JsonFields f, string path, string text)
    {
        var net = RuleValidation.ParseCidr(text, out var error, out var hostBitsSet);
        if (net is not { } parsed)
        {
            f.Error(path, error!);
            return null;
        }
        if (hostBitsSet)
        {
            f.Warn(path, RuleValidation.HostBitsWarning(text, parsed));
        }
        return parsed;
    }

    private static List<Entity>? Entities(JsonFields f, JsonObject o, string path, string field)
    {
        if (f.Array(o, path, field) is not { } items)
        {
            return null;
        }
        var list = new List<Entity>();
        for (var i = 0; i < items.Count; i++)
        {
            var name = items[i]?.ToString() ?? "";
            if (Entity.Names.Contains(name))
            {
                list.Add(new Entity(name));
            }
            else
            {
                f.Error(JsonFields.Index(JsonFields.Join(path, field), i), $"unknown entity \"{name}\" (expected one of {string.Join(", ", Entity.Names)})");
            }
        }
        return list;
    }
}
