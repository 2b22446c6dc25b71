using System.Net;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Hubble's FlowFilter (observer.proto): every list that is set must match (AND across fields); within a list any
/// value may match (OR). Pod values are <c>ns/name-prefix</c> (<c>ns/</c> = any pod of ns); IPs may be CIDRs; labels
/// are selectors such as <c>k8s:app=x</c> or <c>reserved:world</c> (a key without a source matches any source).
/// </summary>
public sealed class FlowFilter
{
    public List<string> SourcePod { get; } = [];
    public List<string> DestinationPod { get; } = [];
    public List<string> SourceIp { get; } = [];
    public List<string> DestinationIp { get; } = [];
    public List<string> SourceLabel { get; } = [];
    public List<string> DestinationLabel { get; } = [];
    public List<uint> SourceIdentity { get; } = [];
    public List<uint> DestinationIdentity { get; } = [];
    public List<string> SourceService { get; } = [];
    public List<string> DestinationService { get; } = [];
    public List<string> SourceFqdn { get; } = [];
    public List<string> DestinationFqdn { get; } = [];
    public List<string> SourcePort { get; } = [];
    public List<string> DestinationPort { get; } = [];
    public List<Verdict> Verdict { get; } = [];
    public List<DropReason> DropReasonDesc { get; } = [];
    public List<(int Type, int? SubType)> EventType { get; } = [];
    public List<string> Protocol { get; } = [];
    public List<bool> Reply { get; } = [];
    public List<TrafficDirection> TrafficDirection { get; } = [];
    public List<string> HttpMethod { get; } = [];
    public List<string> HttpPath { get; } = [];
    public List<string> HttpStatusCode { get; } = [];
    public List<string> NodeName { get; } = [];

    public bool IsEmpty => Lists().All(n => n == 0);

    private IEnumerable<int> Lists() =>
    [
        SourcePod.Count, DestinationPod.Count, SourceIp.Count, DestinationIp.Count, SourceLabel.Count,
        DestinationLabel.Count, SourceIdentity.Count, DestinationIdentity.Count, SourceService.Count,
        DestinationService.Count, SourceFqdn.Count, DestinationFqdn.Count, SourcePort.Count, DestinationPort.Count,
        Verdict.Count, DropReasonDesc.Count, EventType.Count, Protocol.Count, Reply.Count, TrafficDirection.Count,
        HttpMethod.Count, HttpPath.Count, HttpStatusCode.Count, NodeName.Count,
    ];

    public bool Matches(Flow f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Any(SourcePod, p => PodMatches(p, f.Source))
            && Any(DestinationPod, p => PodMatches(p, f.Destination))
            && Any(SourceIp, ip => IpMatches(ip, f.IP?.Source))
            && Any(DestinationIp, ip => IpMatches(ip, f.IP?.Destination))
            && Any(SourceLabel, l => LabelMatches(l, f.Source))
            && Any(DestinationLabel, l => LabelMatches(l, f.Destination))
            && Any(SourceIdentity, id => f.Source?.Identity == id)
            && Any(DestinationIdentity, id => f.Destination?.Identity == id)
            && Any(SourceService, s => ServiceMatches(s, f.SourceService))
            && Any(DestinationService, s => ServiceMatches(s, f.DestinationService))
            && Any(SourceFqdn, n => f.SourceNames.Any(x => FqdnMatches(n, x)))
            && Any(DestinationFqdn, n => f.DestinationNames.Any(x => FqdnMatches(n, x)))
            && Any(SourcePort, p => PortOf(f, source: true) == p)
            && Any(DestinationPort, p => PortOf(f, source: false) == p)
            && Any(Verdict, v => f.Verdict == v)
            && Any(DropReasonDesc, d => f.DropReasonDesc == d)
            && Any(EventType, e => f.EventType is { } et && et.Type == e.Type && (e.SubType is null || et.SubType == e.SubType))
            && Any(Protocol, p => ProtocolMatches(p, f))
            && Any(Reply, r => f.IsReply == r)
            && Any(TrafficDirection, d => f.TrafficDirection == d)
            && Any(HttpMethod, m => string.Equals(f.L7?.Http?.Method, m, StringComparison.OrdinalIgnoreCase))
            && Any(HttpPath, p => f.L7?.Http is { } h && Regex.IsMatch(PathOf(h.Url), "^(?:" + p + ")$"))
            && Any(HttpStatusCode, c => f.L7?.Http is { Code: > 0 } h && StatusMatches(c, h.Code))
            && Any(NodeName, n => NodeMatches(n, f.NodeName));
    }

    private static bool Any<T>(List<T> values, Func<T, bool> match) => values.Count == 0 || values.Any(match);

    private static bool PodMatches(string filter, Endpoint? ep)
    {
        if (ep is null)
        {
            return false;
        }
        var slash = filter.IndexOf('/', StringComparison.Ordinal);
        var (ns, prefix) = slash < 0 ? ("", filter) : (filter[..slash], filter[(slash + 1)..]);
        return (ns.Length == 0 || ep.Namespace == ns) && (prefix.Length == 0 ? ep.Namespace.Length > 0 : ep.PodName.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static bool ServiceMatches(string filter, Service? svc)
    {
        if (svc is null)
        {
            return false;
        }
        var slash = filter.IndexOf('/', StringComparison.Ordinal);
        var (ns, prefix) = slash < 0 ? ("", filter) : (filter[..slash], filter[(slash + 1)..]);
        return (ns.Length == 0 || svc.Namespace == ns) && svc.Name.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static bool IpMatches(string filter, string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var addr))
        {
            return false;
        }
        return filter.Contains('/', StringComparison.Ordinal)
            ? IPNetwork.TryParse(filter, out var net) && net.Contains(addr)
            : IPAddress.TryParse(filter, out var f) && f.Equals(addr);
    }

    /// <summary>A comma-separated selector: each <c>[source:]key[=value]</c> must be among the endpoint's labels.</summary>
    private static bool LabelMatches(string selector, Endpoint? ep)
    {
        if (ep is null)
        {
            return false;
        }
        foreach (var part in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = eq < 0 ? (part, (string?)null) : (part[..eq], part[(eq + 1)..]);
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            var (source, k) = colon < 0 ? ("any", key) : (key[..colon], key[(colon + 1)..]);
            var found = ep.Labels.Any(l =>
            {
                var lc = l.IndexOf(':', StringComparison.Ordinal);
                var le = l.IndexOf('=', StringComparison.Ordinal);
                var ls = lc < 0 || (le >= 0 && le < lc) ? "" : l[..lc];
                var rest = lc < 0 || (le >= 0 && le < lc) ? l : l[(lc + 1)..];
                var re = rest.IndexOf('=', StringComparison.Ordinal);
                var (lk, lv) = re < 0 ? (rest, "") : (rest[..re], rest[(re + 1)..]);
                return (source is "any" || source == ls) && lk == k && (value is null || lv == value);
            });
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    private static bool FqdnMatches(string pattern, string name)
    {
        var re = "^" + Regex.Escape(pattern.TrimEnd('.')).Replace("\\*", "[-a-zA-Z0-9_.]*", StringComparison.Ordinal) + "\\.?$";
        return Regex.IsMatch(name, re, RegexOptions.IgnoreCase);
    }

    private static string PortOf(Flow f, bool source) => f.L4 switch
    {
        { TCP: { } t } => (source ? t.SourcePort : t.DestinationPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        { UDP: { } u } => (source ? u.SourcePort : u.DestinationPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        { SCTP: { } s } => (source ? s.SourcePort : s.DestinationPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    private static bool ProtocolMatches(string p, Flow f) => p.ToLowerInvariant() switch
    {
        "tcp" => f.L4?.TCP is not null,
        "udp" => f.L4?.UDP is not null,
        "sctp" => f.L4?.SCTP is not null,
        "icmp" => f.L4?.ICMPv4 is not null || f.L4?.ICMPv6 is not null,
        "icmpv4" => f.L4?.ICMPv4 is not null,
        "icmpv6" => f.L4?.ICMPv6 is not null,
        "http" => f.L7?.Http is not null,
        "dns" => f.L7?.Dns is not null,
        _ => false,
    };

    private static string PathOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.AbsolutePath : url;

    /// <summary>"404" matches exactly; "5+" matches 500–599, as Hubble's --http-status does.</summary>
    private static bool StatusMatches(string filter, uint code) =>
        filter.EndsWith('+') ? code.ToString(System.Globalization.CultureInfo.InvariantCulture).StartsWith(filter[..^1], StringComparison.Ordinal)
            : filter == code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool NodeMatches(string pattern, string node) =>
        Regex.IsMatch(node, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$");

    /// <summary>
    /// This filter, narrowed to the flows of node <paramref name="node"/> (flows name it <c>CLUSTER/NODE</c>, as Hubble
    /// does, or bare); null when its own node names rule that node out (judged by their last <c>/</c> segment).
    /// </summary>
    public FlowFilter? OnNode(string node)
    {
        if (NodeName.Count > 0 && !NodeName.Any(n => NodeMatches(n[(n.LastIndexOf('/') + 1)..], node)))
        {
            return null;
        }
        var copy = new FlowFilter();
        copy.SourcePod.AddRange(SourcePod);
        copy.DestinationPod.AddRange(DestinationPod);
        copy.SourceIp.AddRange(SourceIp);
        copy.DestinationIp.AddRange(DestinationIp);
        copy.SourceLabel.AddRange(SourceLabel);
        copy.DestinationLabel.AddRange(DestinationLabel);
        copy.SourceIdentity.AddRange(SourceIdentity);
        copy.DestinationIdentity.AddRange(DestinationIdentity);
        copy.SourceService.AddRange(SourceService);
        copy.DestinationService.AddRange(DestinationService);
        copy.SourceFqdn.AddRange(SourceFqdn);
        copy.DestinationFqdn.AddRange(DestinationFqdn);
        copy.SourcePort.AddRange(SourcePort);
        copy.DestinationPort.AddRange(DestinationPort);
        copy.Verdict.AddRange(Verdict);
        copy.DropReasonDesc.AddRange(DropReasonDesc);
        copy.EventType.AddRange(EventType);
        copy.Protocol.AddRange(Protocol);
        copy.Reply.AddRange(Reply);
        copy.TrafficDirection.AddRange(TrafficDirection);
        copy.HttpMethod.AddRange(HttpMethod);
        copy.HttpPath.AddRange(HttpPath);
        copy.HttpStatusCode.AddRange(HttpStatusCode);
        copy.NodeName.AddRange([node, "*/" + node]);
        return copy;
    }
}

/// <summary>An allowlist and a denylist: a flow passes when some allow filter matches (or none is given) and no deny filter does.</summary>
public sealed record FlowFilterSet(IReadOnlyList<FlowFilter> Allow, IReadOnlyList<FlowFilter> Deny)
{
    public static readonly FlowFilterSet All = new([], []);

    public bool Matches(Flow f) => (Allow.Count == 0 || Allow.Any(a => a.Matches(f))) && !Deny.Any(d => d.Matches(f));

    /// <summary>
    /// These filters, limited to the flows of <paramref name="node"/>: what that node's own Hubble server (in its Cilium
    /// agent) answers, where Hubble Relay answers for all nodes. A filter naming only other nodes matches nothing.
    /// </summary>
    public FlowFilterSet OnNode(string node)
    {
        var allow = (Allow.Count == 0 ? [new FlowFilter()] : Allow).Select(a => a.OnNode(node)).OfType<FlowFilter>().ToList();
        // no allow filter left means every one named other nodes: deny all (an empty filter matches every flow)
        return allow.Count > 0 ? new FlowFilterSet(allow, Deny) : new FlowFilterSet([], [new FlowFilter()]);
    }
}
