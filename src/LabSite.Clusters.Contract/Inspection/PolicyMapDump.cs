using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// One entry of an endpoint's policy map as <c>cilium-dbg bpf policy get</c> models it (PolicyEntryDump), in host
/// order. <see cref="PortPrefixLength"/> is the protocol+port prefix (0 any, 8 protocol, 24 one port, between: range).
/// Packets/Bytes are null when the datapath keeps no statistics (printed as <c>-</c>).
/// </summary>
public sealed record PolicyMapEntryDump(
    bool Deny,
    bool Egress,
    uint Identity,
    byte Protocol,
    ushort Port,
    byte PortPrefixLength,
    ushort ProxyPort = 0,
    byte AuthType = 0,
    ulong? Packets = null,
    ulong? Bytes = null)
{
    /// <summary>PORT/PROTO: ANY, TCP, 80/TCP, 8080-8095/TCP.</summary>
    public string PortProto()
    {
        if (PortPrefixLength == 0)
        {
            return "ANY";
        }
        var proto = Protocol switch
        {
            1 => "ICMP",
            2 => "IGMP",
            6 => "TCP",
            17 => "UDP",
            58 => "ICMPv6",
            112 => "VRRP",
            132 => "SCTP",
            _ => Protocol.ToString(CultureInfo.InvariantCulture),
        };
        if (PortPrefixLength <= 8)
        {
            return proto;
        }
        if (PortPrefixLength >= 24)
        {
            return $"{Port}/{proto}";
        }
        var end = Port | ((1 << (24 - PortPrefixLength)) - 1);
        return $"{Port}-{end}/{proto}";
    }
}

/// <summary>
/// The policy map of one endpoint with <c>bpf policy get</c>'s text and <c>-o json</c> renderings (FORMATS §3).
/// </summary>
public sealed record PolicyMapDump(ushort EndpointId, IReadOnlyList<PolicyMapEntryDump> Entries)
{
    /// <summary>Go's policymap.StatNotAvailable: what -o json shows when no statistics are kept.</summary>
    public const ulong StatNotAvailable = ulong.MaxValue;

    /// <summary>Rows as Cilium sorts them: deny first, ingress before egress, then identity, then port pattern.</summary>
    public IEnumerable<PolicyMapEntryDump> Sorted() => Entries
        .OrderBy(e => e.Deny ? 0 : 1).ThenBy(e => e.Egress ? 1 : 0).ThenBy(e => e.Identity)
        .ThenBy(e => e.Protocol).ThenBy(e => e.Port).ThenBy(e => e.PortPrefixLength);

    /// <summary>
    /// The table. With <paramref name="labelsOf"/> (identity → printable labels) the third column is LABELS, one label
    /// per line, identity 0 printed as ANY; without it (<c>-n</c>) the column is IDENTITY.
    /// </summary>
    public string ToText(Func<uint, IReadOnlyList<string>>? labelsOf = null)
    {
        if (Entries.Count == 0)
        {
            return "Policy stats empty. Perhaps the policy enforcement is disabled?\n";
        }
        var rows = new List<string[]>
        {
            new[] { "POLICY", "DIRECTION", labelsOf is null ? "IDENTITY" : "LABELS (source:key[=value])", "PORT/PROTO", "PROXY PORT", "AUTH TYPE", "BYTES", "PACKETS", "PREFIX" },
        };
        foreach (var e in Sorted())
        {
            var cells = new[]
            {
                e.Deny ? "Deny" : "Allow", e.Egress ? "Egress" : "Ingress", e.Identity.ToString(CultureInfo.InvariantCulture),
                e.PortProto(), e.ProxyPort == 0 ? "NONE" : e.ProxyPort.ToString(CultureInfo.InvariantCulture),
                e.AuthType switch { 1 => "spire", 2 => "test-always-fail", _ => "disabled" },
                e.Bytes?.ToString(CultureInfo.InvariantCulture) ?? "-", e.Packets?.ToString(CultureInfo.InvariantCulture) ?? "-",
                e.PortPrefixLength.ToString(CultureInfo.InvariantCulture),
            };
            var labels = labelsOf is null ? [] : e.Identity == 0 ? ["ANY"] : labelsOf(e.Identity);
            if (labels.Count == 0)
            {
                rows.Add(cells);
                continue;
            }
            cells[2] = labels[0];
            rows.Add(cells);
            foreach (var more in labels.Skip(1))
            {
                rows.Add(["", "", more, "", "", "", "", "", ""]);
            }
        }
        return GoTabWriter.Format(rows, minWidth: 5, padding: 3);
    }

    /// <summary><c>-o json</c>: Go's MarshalIndent of []PolicyEntryDump (Go field names, ports in network order).</summary>
    public string ToJson()
    {
        if (Entries.Count == 0)
        {
            return "[]";
        }
        var sb = new StringBuilder("[\n");
        var first = true;
        foreach (var e in Sorted())
        {
            if (!first)
            {
                sb.Append(",\n");
            }
            first = false;
            var flags = (e.Deny ? 1 : 0) | (e.PortPrefixLength << 3);
            sb.Append("  {\n")
                .Append("    \"ProxyPortNetwork\": ").Append(Swap(e.ProxyPort)).Append(",\n")
                .Append("    \"Flags\": ").Append(flags).Append(",\n")
                .Append("    \"AuthRequirement\": ").Append(e.AuthType).Append(",\n")
                .Append("    \"ProxyPortPriority\": 0,\n")
                .Append("    \"Pad1\": 0,\n")
                .Append("    \"Pad2\": 0,\n")
                .Append("    \"Packets\": ").Append(e.Packets ?? StatNotAvailable).Append(",\n")
                .Append("    \"Bytes\": ").Append(e.Bytes ?? StatNotAvailable).Append(",\n")
                .Append("    \"Key\": {\n")
                .Append("      \"Prefixlen\": ").Append(40 + e.PortPrefixLength).Append(",\n")
                .Append("      \"Identity\": ").Append(e.Identity).Append(",\n")
                .Append("      \"TrafficDirection\": ").Append(e.Egress ? 1 : 0).Append(",\n")
                .Append("      \"Nexthdr\": ").Append(e.Protocol).Append(",\n")
                .Append("      \"DestPortNetwork\": ").Append(Swap(e.Port)).Append('\n')
                .Append("    }\n")
                .Append("  }");
        }
        return sb.Append("\n]").ToString();
    }

    // Cilium stores ports in network order and dumps the raw field, so on little-endian hosts 80 reads 20480.
    private static int Swap(ushort v) => (ushort)((v >> 8) | (v << 8));
}
