using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// One row of <c>cilium-dbg endpoint list</c>. Enforcement cells read Enabled, Disabled, "Disabled (Audit)" or Unknown.
/// Labels are printable <c>source:key=value</c> strings, sorted.
/// </summary>
public sealed record EndpointModel(
    ushort Id,
    uint Identity,
    IReadOnlyList<string> Labels,
    string IPv4,
    string IPv6,
    string IngressEnforcement,
    string EgressEnforcement,
    string Status,
    string Namespace = "",
    string PodName = "")
{
    /// <summary>The table, header on two lines, one label per line, as in FORMATS §1.</summary>
    public static string ToText(IEnumerable<EndpointModel> endpoints)
    {
        var rows = new List<string[]>
        {
            new[] { "ENDPOINT", "POLICY (ingress)", "POLICY (egress)", "IDENTITY", "LABELS (source:key[=value])", "IPv6", "IPv4", "STATUS" },
            new[] { "", "ENFORCEMENT", "ENFORCEMENT", "", "", "", "", "" },
        };
        foreach (var e in endpoints.OrderBy(e => e.Id))
        {
            var labels = e.Labels.Count == 0 ? [""] : e.Labels;
            rows.Add([
                e.Id.ToString(CultureInfo.InvariantCulture), e.IngressEnforcement, e.EgressEnforcement,
                e.Identity.ToString(CultureInfo.InvariantCulture), labels[0], e.IPv6, e.IPv4, e.Status,
            ]);
            rows.AddRange(labels.Skip(1).Select(l => new[] { "", "", "", "", l, "", "", "" }));
        }
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }
}

/// <summary>An identity and its labels (<c>cilium-dbg identity list</c>).</summary>
public sealed record IdentityModel(uint Id, IReadOnlyList<string> Labels)
{
    public static string ToText(IEnumerable<IdentityModel> identities)
    {
        var rows = new List<string[]> { new[] { "ID", "LABELS" } };
        foreach (var i in identities.OrderBy(i => i.Id))
        {
            var labels = i.Labels.Count == 0 ? [""] : i.Labels;
            rows.Add([i.Id.ToString(CultureInfo.InvariantCulture), labels[0]]);
            rows.AddRange(labels.Skip(1).Select(l => new[] { "", l }));
        }
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }
}

/// <summary>
/// One row of <c>cilium-dbg fqdn cache list</c>: a name an endpoint looked up through the DNS proxy (Source
/// <c>lookup</c>), the answer's TTL, when it expires and the addresses it gave.
/// </summary>
public sealed record FqdnCacheEntry(ushort Endpoint, string Source, string Fqdn, uint Ttl, DateTimeOffset ExpirationTime, IReadOnlyList<string> Ips)
{
    /// <summary>Cilium's table: tab-aligned columns, the expiration in UTC with milliseconds, IPs comma-separated.</summary>
    public static string ToText(IEnumerable<FqdnCacheEntry> entries)
    {
        var rows = new List<string[]> { new[] { "Endpoint", "Source", "FQDN", "TTL", "ExpirationTime", "IPs" } };
        rows.AddRange(entries.Select(e => new[]
        {
            e.Endpoint.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Source, e.Fqdn,
            e.Ttl.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.ExpirationTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", e.Ips),
        }));
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }
}

/// <summary>One ipcache entry (<c>bpf ipcache list</c>): prefix → identity.</summary>
public sealed record IpcacheEntry(string Prefix, uint Identity, byte EncryptKey = 0, string TunnelEndpoint = "0.0.0.0", string Flags = "<none>")
{
    public string ValueText() =>
        $"identity={Identity} encryptkey={EncryptKey} tunnelendpoint={TunnelEndpoint} flags={Flags}";

    public static string ToText(IEnumerable<IpcacheEntry> entries)
    {
        var rows = new List<string[]> { new[] { "IP PREFIX/ADDRESS", "IDENTITY" } };
        rows.AddRange(entries.Select(e => new[] { e.Prefix, e.ValueText() }));
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }
}

/// <summary>One conntrack entry (<c>bpf ct list global</c>). Direction is IN, OUT or SVC.</summary>
public sealed record ConntrackEntry(
    string Protocol, string Direction, string Source, string Destination, ulong Expires, ulong Packets, ulong Bytes,
    byte RxFlagsSeen, byte TxFlagsSeen, ushort Flags, uint SourceSecurityId)
{
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Protocol} {Direction} {Source} -> {Destination} expires={Expires} Packets={Packets} Bytes={Bytes} ")
            .Append(CultureInfo.InvariantCulture, $"RxFlagsSeen=0x{RxFlagsSeen:x2} LastRxReport=0 TxFlagsSeen=0x{TxFlagsSeen:x2} LastTxReport=0 ")
            .Append(CultureInfo.InvariantCulture, $"Flags=0x{Flags:x4} [ {FlagNames()}] RevNAT=0 SourceSecurityID={SourceSecurityId} BackendID=0 NatPort=0");
        return sb.ToString();
    }

    private string FlagNames()
    {
        string[] names = ["RxClosing", "TxClosing", "Nat64", "LBLoopback", "SeenNonSyn", "NodePort", "ProxyRedirect", "DSRInternal", "FromL7LB", "Reserved9", "FromTunnel"];
        var set = names.Where((_, i) => (Flags & (1 << i)) != 0).ToList();
        return set.Count == 0 ? "" : string.Join(" ", set) + " ";
    }
}

/// <summary>
/// A service as <c>cilium-dbg service list</c> shows it: the frontend (<c>10.96.0.10:53/UDP</c>), its type and its
/// backends (<c>10.244.1.82:53/UDP (active)</c>). <see cref="Id"/> is also the reverse-NAT index of its LB map rows.
/// </summary>
public sealed record ServiceModel(uint Id, string Frontend, string Type, IReadOnlyList<string> Backends)
{
    /// <summary><c>service list</c>: ID, Frontend, Service Type, Backend (numbered, one per line).</summary>
    public static string ToText(IEnumerable<ServiceModel> services)
    {
        var rows = new List<string[]> { new[] { "ID", "Frontend", "Service Type", "Backend" } };
        foreach (var s in services.OrderBy(s => s.Id))
        {
            var backends = s.Backends.Count == 0 ? [""] : s.Backends.Select((b, i) => $"{i + 1} => {b}").ToList();
            rows.Add([s.Id.ToString(CultureInfo.InvariantCulture), s.Frontend, s.Type, backends[0]]);
            rows.AddRange(backends.Skip(1).Select(b => new[] { "", "", "", b }));
        }
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }

    /// <summary>
    /// <c>bpf lb list</c>: the LB map's slots. Slot 0 is the service's master entry (no backend, the type and
    /// "non-routable" for a ClusterIP); slots 1..n hold the backends, each with the reverse-NAT index.
    /// </summary>
    public static string ToLbText(IEnumerable<ServiceModel> services)
    {
        var rows = new List<string[]> { new[] { "SERVICE ADDRESS", "BACKEND ADDRESS (REVNAT_ID) (SLOT)" } };
        foreach (var s in services.OrderBy(s => s.Frontend, StringComparer.Ordinal))
        {
            var revNat = s.Id.ToString(CultureInfo.InvariantCulture);
            var flags = s.Type == "ClusterIP" ? "ClusterIP, non-routable" : s.Type;
            rows.Add([$"{s.Frontend} (0)", $"0.0.0.0:0 ({revNat}) (0) [{flags}]"]);
            rows.AddRange(s.Backends.Select((b, i) =>
            {
                var slot = (i + 1).ToString(CultureInfo.InvariantCulture);
                var address = b.Split(' ')[0];
                return new[] { $"{s.Frontend} ({slot})", $"{address} ({revNat}) ({slot})" };
            }));
        }
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }
}
