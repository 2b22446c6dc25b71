using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Grader.Explain;

/// <summary>
/// The policy objects applied to a lab, read through the contract (<see cref="ILabCluster.GetAsync"/>), so the same
/// explanation works on every backend: CiliumNetworkPolicy (<c>spec</c> and <c>specs</c>), CiliumClusterwideNetworkPolicy
/// and Kubernetes NetworkPolicy. Each becomes <see cref="AppliedRule"/>s whose sections are matched the way Cilium does:
/// labels with or without their source (<c>k8s:org</c> is <c>org</c>), a namespaced policy selecting only its own
/// namespace, <c>fromEntities</c> by reserved identity.
/// </summary>
public static class AppliedRules
{
    private static readonly (string Kind, string Resource)[] s_kinds =
    [
        ("CiliumNetworkPolicy", "ciliumnetworkpolicies"),
        ("CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies"),
        ("NetworkPolicy", "networkpolicies"),
    ];

    /// <summary>Every rule of every policy the cluster stores; a kind the backend does not serve is skipped.</summary>
    public static async Task<IReadOnlyList<AppliedRule>> ReadAsync(ILabCluster cluster, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var rules = new List<AppliedRule>();
        foreach (var (kind, resource) in s_kinds)
        {
            IReadOnlyList<KubeObject> objects;
            try
            {
                objects = await cluster.GetAsync(new ObjectQuery(resource, "*"), ct);
            }
            catch (ClusterException)
            {
                continue;
            }
            foreach (var o in objects.OrderBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal))
            {
                var ns = kind == "CiliumClusterwideNetworkPolicy" ? null : o.Namespace ?? "default";
                var name = ns is null ? o.Name : $"{ns}/{o.Name}";
                if (kind == "NetworkPolicy")
                {
                    rules.Add(AppliedRule.FromNetworkPolicy(kind, name, ns!, o.Json["spec"] as JsonObject ?? []));
                    continue;
                }
                var specs = new List<JsonObject>();
                if (o.Json["spec"] is JsonObject spec)
                {
                    specs.Add(spec);
                }
                specs.AddRange(KubeJson.Array(o.Json, "specs").OfType<JsonObject>());
                rules.AddRange(specs.Select((s, i) => AppliedRule.FromCilium(kind, specs.Count > 1 ? $"{name} (specs[{i}])" : name, ns, s)));
            }
        }
        return rules;
    }
}

/// <summary>One rule: what it selects and its sections, each a list of peer rules.</summary>
public sealed class AppliedRule
{
    private readonly Func<PeerLabels, bool> _selects;

    private AppliedRule(string kind, string name, Func<PeerLabels, bool> selects)
    {
        Kind = kind;
        Name = name;
        _selects = selects;
    }

    public string Kind { get; }

    /// <summary><c>default/rule1</c>, or the name alone for a cluster-wide policy.</summary>
    public string Name { get; }

    public string ShortName => Name.Contains('/', StringComparison.Ordinal) ? Name[(Name.IndexOf('/', StringComparison.Ordinal) + 1)..] : Name;

    public List<PeerRule> Ingress { get; } = [];
    public List<PeerRule> IngressDeny { get; } = [];
    public List<PeerRule> Egress { get; } = [];
    public List<PeerRule> EgressDeny { get; } = [];

    /// <summary>Whether the rule enforces policy in this direction at all (a section, even empty, turns default deny on).</summary>
    public bool EnforcesIngress { get; private set; }
    public bool EnforcesEgress { get; private set; }

    public bool Selects(PeerLabels endpoint) => _selects(endpoint);

    public override string ToString() => $"{Kind} {Name}";

    internal static AppliedRule FromCilium(string kind, string name, string? ns, JsonObject spec)
    {
        var selector = spec["endpointSelector"] as JsonObject;
        var rule = new AppliedRule(kind, name, e => selector is not null && (ns is null || e.Namespace == ns) && Selectors.Matches(selector, e));
        Read(spec, "ingress", rule.Ingress, ns, egress: false);
        Read(spec, "ingressDeny", rule.IngressDeny, ns, egress: false);
        Read(spec, "egress", rule.Egress, ns, egress: true);
        Read(spec, "egressDeny", rule.EgressDeny, ns, egress: true);
        rule.EnforcesIngress = spec["ingress"] is JsonArray || spec["ingressDeny"] is JsonArray;
        rule.EnforcesEgress = spec["egress"] is JsonArray || spec["egressDeny"] is JsonArray;
        return rule;
    }

    internal static AppliedRule FromNetworkPolicy(string kind, string name, string ns, JsonObject spec)
    {
        var selector = spec["podSelector"] as JsonObject ?? [];
        var rule = new AppliedRule(kind, name, e => e.Namespace == ns && Selectors.Matches(selector, e));
        var types = KubeJson.Array(spec, "policyTypes").Select(t => (string?)t).ToList();
        rule.EnforcesIngress = types.Count == 0 || types.Contains("Ingress");
        rule.EnforcesEgress = types.Contains("Egress") || (types.Count == 0 && spec["egress"] is JsonArray);
        foreach (var r in KubeJson.Array(spec, "ingress").OfType<JsonObject>())
        {
            rule.Ingress.Add(PeerRule.FromNetworkPolicy(r, "from", ns));
        }
        foreach (var r in KubeJson.Array(spec, "egress").OfType<JsonObject>())
        {
            rule.Egress.Add(PeerRule.FromNetworkPolicy(r, "to", ns));
        }
        return rule;
    }

    private static void Read(JsonObject spec, string section, List<PeerRule> into, string? ns, bool egress)
    {
        foreach (var r in KubeJson.Array(spec, section).OfType<JsonObject>())
        {
            into.Add(PeerRule.FromCilium(r, ns, egress));
        }
    }
}

/// <summary>An endpoint or peer as selectors see it: namespace, labels without their source, reserved identity.</summary>
public sealed record PeerLabels(string Namespace, IReadOnlyDictionary<string, string> Labels, uint Identity)
{
    /// <summary>From Cilium's printable labels (<c>k8s:org=empire</c>, <c>reserved:world</c>).</summary>
    public static PeerLabels From(string @namespace, IEnumerable<string> labels, uint identity)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var plain = Selectors.StripSource(label);
            var eq = plain.IndexOf('=', StringComparison.Ordinal);
            map[eq < 0 ? plain : plain[..eq]] = eq < 0 ? "" : plain[(eq + 1)..];
        }
        if (@namespace.Length > 0)
        {
            map.TryAdd("io.kubernetes.pod.namespace", @namespace);
        }
        return new PeerLabels(@namespace, map, identity);
    }
}

/// <summary>One entry of a section: which peers, which ports (null = all), which HTTP requests (none = no L7 rule).</summary>
public sealed class PeerRule
{
    private Func<PeerLabels, bool> _peer = _ => true;

    /// <summary>Null: every port and protocol.</summary>
    public IReadOnlyList<PortRange>? Ports { get; private set; }

    public IReadOnlyList<HttpRule> Http { get; private set; } = [];

    /// <summary>How the peers are written, for messages (<c>fromEndpoints org=empire</c>).</summary>
    public string PeerText { get; private set; } = "any peer";

    /// <summary>The first selector's keys, so a fix can be written in the rule's own style.</summary>
    public IReadOnlyList<string> SelectorKeys { get; private set; } = [];

    public bool MatchesPeer(PeerLabels peer) => _peer(peer);

    public bool Covers(byte protocol, ushort port) => Ports is null || Ports.Any(p => p.Covers(protocol, port));

    internal static PeerRule FromCilium(JsonObject r, string? ns, bool egress)
    {
        var rule = new PeerRule();
        var endpointsKey = egress ? "toEndpoints" : "fromEndpoints";
        var entitiesKey = egress ? "toEntities" : "fromEntities";
        var selectors = KubeJson.Array(r, endpointsKey).OfType<JsonObject>().ToList();
        var entities = KubeJson.Array(r, entitiesKey).Select(e => (string?)e ?? "").ToList();
        var cidrs = r.ContainsKey(egress ? "toCIDR" : "fromCIDR") || r.ContainsKey(egress ? "toCIDRSet" : "fromCIDRSet");
        if (r.ContainsKey(endpointsKey) || r.ContainsKey(entitiesKey) || cidrs)
        {
            rule._peer = p => selectors.Any(s => Selectors.MatchesPeer(s, p, ns)) || entities.Any(e => Entities.Matches(e, p));
            var parts = new List<string>();
            if (selectors.Count > 0)
            {
                parts.Add($"{endpointsKey} {string.Join(" or ", selectors.Select(Selectors.Text))}");
            }
            if (entities.Count > 0)
            {
                parts.Add($"{entitiesKey} {string.Join(", ", entities)}");
            }
            if (cidrs)
            {
                parts.Add("CIDRs (not matched against pods)");
            }
            rule.PeerText = string.Join("; ", parts);
            rule.SelectorKeys = selectors.FirstOrDefault() is { } first ? Selectors.Keys(first) : [];
        }
        var toPorts = KubeJson.Array(r, "toPorts").OfType<JsonObject>().ToList();
        if (toPorts.Count > 0)
        {
            rule.Ports = toPorts.SelectMany(tp => KubeJson.Array(tp, "ports").OfType<JsonObject>()).Select(PortRange.FromCilium).ToList() is { Count: > 0 } ports ? ports : null;
            rule.Http = toPorts.SelectMany(tp => KubeJson.Array(tp, "rules", "http").OfType<JsonObject>())
                .Select(h => new HttpRule(KubeJson.Str(h, "method"), KubeJson.Str(h, "path"))).ToList();
        }
        return rule;
    }

    internal static PeerRule FromNetworkPolicy(JsonObject r, string key, string ns)
    {
        var rule = new PeerRule();
        var peers = KubeJson.Array(r, key).OfType<JsonObject>().ToList();
        if (r.ContainsKey(key))
        {
            rule._peer = p => peers.Any(peer =>
                (peer["podSelector"] is JsonObject pod && (peer["namespaceSelector"] is not null || p.Namespace == ns) && Selectors.Matches(pod, p))
                || (peer["podSelector"] is null && peer["namespaceSelector"] is JsonObject));
            rule.PeerText = $"{key} {string.Join(" or ", peers.Select(p => p["podSelector"] is JsonObject s ? Selectors.Text(s) : "a namespace or IP block"))}";
            rule.SelectorKeys = peers.FirstOrDefault()?["podSelector"] is JsonObject first ? Selectors.Keys(first) : [];
        }
        if (r["ports"] is JsonArray ports && ports.Count > 0)
        {
            rule.Ports = ports.OfType<JsonObject>().Select(PortRange.FromCilium).ToList();
        }
        return rule;
    }
}

/// <summary>A protocol and port range from a rule (protocol 0: any; port 0: every port of it).</summary>
public sealed record PortRange(byte Protocol, ushort Port, ushort EndPort, string? NamedPort)
{
    public bool Covers(byte protocol, ushort port)
    {
        if (NamedPort is not null)
        {
            return false;
        }
        if (Protocol != 0 && Protocol != protocol)
        {
            return false;
        }
        return Port == 0 || (port >= Port && port <= Math.Max(Port, EndPort));
    }

    internal static PortRange FromCilium(JsonObject p)
    {
        var protocol = KubeJson.Str(p, "protocol").ToUpperInvariant() switch
        {
            "UDP" => (byte)17,
            "SCTP" => (byte)132,
            "ANY" => (byte)0,
            "ICMP" => (byte)1,
            _ => (byte)6,
        };
        var text = KubeJson.Str(p, "port");
        if (text.Length > 0 && !ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return new PortRange(protocol, 0, 0, text);
        }
        var port = (ushort)KubeJson.Int(p, "port");
        return new PortRange(protocol, port, (ushort)KubeJson.Int(p, "endPort"), null);
    }
}

/// <summary>An HTTP rule: method and path are regular expressions matched against the whole value; empty matches all.</summary>
public sealed record HttpRule(string Method, string Path)
{
    public bool Matches(string method, string path) => Full(Method, method) && Full(Path, path);

    public override string ToString() => $"{(Method.Length == 0 ? "any method" : Method)} {(Path.Length == 0 ? "any path" : Path)}";

    private static bool Full(string pattern, string value)
    {
        if (pattern.Length == 0)
        {
            return true;
        }
        try
        {
            return System.Text.RegularExpressions.Regex.IsMatch(value, $"^(?:{pattern})$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
