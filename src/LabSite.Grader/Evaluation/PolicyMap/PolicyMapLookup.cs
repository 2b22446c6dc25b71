using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Grader.Evaluation.PolicyMap;

/// <summary>
/// Looks a packet up in an endpoint's policy map the way Cilium's datapath does, so a check agrees with what the
/// kernel enforces rather than with a literal row:
/// 1. candidate entries are those for the peer's identity and for identity 0 (ANY) in the packet's direction whose
///    protocol/port prefix covers the packet;
/// 2. a covering deny entry wins over any allow (deny precedence);
/// 3. otherwise the entry with the longest protocol/port prefix wins, and on a tie the peer's own identity beats ANY.
/// An L4-only entry (identity 0) therefore also allows the peer: the result names the entry that matched.
/// </summary>
public static class PolicyMapLookup
{
    /// <summary>The packet: protocol 0 with port 0 asks for an entry covering every protocol and port (an L3-only rule).</summary>
    public sealed record Packet(uint Identity, bool Egress, byte Protocol, ushort Port);

    public static PolicyMapEntryDump? Lookup(IEnumerable<PolicyMapEntryDump> entries, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(packet);
        var candidates = entries
            .Where(e => e.Egress == packet.Egress && (e.Identity == packet.Identity || e.Identity == 0) && Covers(e, packet))
            .ToList();
        var deny = candidates.Where(e => e.Deny).OrderByDescending(e => e.PortPrefixLength).ThenBy(e => e.Identity == 0).FirstOrDefault();
        return deny ?? candidates
            .OrderByDescending(e => e.PortPrefixLength)
            .ThenBy(e => e.Identity == 0)
            .FirstOrDefault();
    }

    /// <summary>
    /// The row for exactly this identity, direction, protocol and port (<c>match: exact</c>): prefix 24 for a port,
    /// 8 for a protocol alone, 0 for any; wildcard rows do not count.
    /// </summary>
    public static PolicyMapEntryDump? Exact(IEnumerable<PolicyMapEntryDump> entries, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(packet);
        byte prefix = packet.Port != 0 ? (byte)24 : packet.Protocol != 0 ? (byte)8 : (byte)0;
        return entries.FirstOrDefault(e => e.Egress == packet.Egress && e.Identity == packet.Identity && e.PortPrefixLength == prefix
            && (prefix == 0 || e.Protocol == packet.Protocol) && (prefix < 24 || e.Port == packet.Port));
    }

    /// <summary>Whether the entry's protocol/port prefix covers the packet (prefix 0: any; 8: the protocol; 24: one port).</summary>
    public static bool Covers(PolicyMapEntryDump entry, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(packet);
        if (entry.PortPrefixLength == 0)
        {
            return true;
        }
        // A packet "of any protocol" is only covered by an entry for any protocol.
        if (packet.Protocol == 0 || entry.Protocol != packet.Protocol)
        {
            return false;
        }
        if (entry.PortPrefixLength <= 8)
        {
            return true;
        }
        if (packet.Port == 0)
        {
            return false;
        }
        var hostBits = 24 - Math.Min((int)entry.PortPrefixLength, 24);
        return (entry.Port >> hostBits) == (packet.Port >> hostBits);
    }
}
