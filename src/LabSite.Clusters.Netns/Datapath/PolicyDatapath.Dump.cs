using System.Globalization;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>Reads the maps back into the contract's inspection shapes (what <c>cilium-dbg bpf ...</c> shows).</summary>
public sealed partial class PolicyDatapath
{
    /// <summary>
    /// The endpoint's policy map as the kernel holds it, each entry with the packets and bytes the datapath counted
    /// against it (summed over CPUs; 0 before its first match), or null when the endpoint has no map.
    /// </summary>
    public PolicyMapDump? DumpPolicy(ushort endpointId)
    {
        if (!_policyMaps.TryGetValue(endpointId, out var map))
        {
            return null;
        }
        var entries = map.Entries().Select(kv =>
        {
            var (packets, bytes) = Counters(new PolicyStatsKeyAbi(endpointId, kv.Key));
            return new PolicyMapEntryDump(
                kv.Value.Deny, kv.Key.Egress == 1, kv.Key.SecLabel, kv.Key.Protocol, (ushort)kv.Key.Port,
                kv.Key.PortPrefixLength, (ushort)kv.Value.ProxyPort, kv.Value.AuthType, packets, bytes);
        }).ToList();
        return new PolicyMapDump(endpointId, entries);
    }

    /// <summary>An entry's counters, summed over the per-CPU slots of ls_polstats.</summary>
    public (ulong Packets, ulong Bytes) Counters(PolicyStatsKeyAbi key)
    {
        ulong packets = 0, bytes = 0;
        foreach (var v in _policyStats.LookupPerCpu(key) ?? [])
        {
            packets += v.Packets;
            bytes += v.Bytes;
        }
        return (packets, bytes);
    }

    public IReadOnlyList<IpcacheEntry> DumpIpcache() => _ipcache.Entries()
        .Select(kv => new IpcacheEntry(
            kv.Key.Prefix.ToString(), kv.Value.SecIdentity, TunnelEndpoint: NetworkOrder.ToAddress(kv.Value.TunnelEndpointNetworkOrder).ToString(),
            Flags: (kv.Value.Flags & RemoteEndpointInfoAbi.UnderlayFlag) != 0 ? "underlay" : "<none>"))
        .OrderBy(e => e.Prefix, StringComparer.Ordinal)
        .ToList();

    /// <summary>Conntrack entries; OUT for entries made at a pod's egress, IN at its ingress.</summary>
    public IReadOnlyList<ConntrackEntry> DumpConntrack()
    {
        var nowSeconds = (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() / System.Diagnostics.Stopwatch.Frequency);
        return _ct.Entries().Select(kv =>
        {
            var t = kv.Key;
            var proto = t.NextHeader switch { 6 => "TCP", 17 => "UDP", 1 => "ICMP", 132 => "SCTP", _ => t.NextHeader.ToString(CultureInfo.InvariantCulture) };
            return new ConntrackEntry(
                proto, t.Flags == CtTupleAbi.Out ? "OUT" : "IN", $"{t.Source}:{t.SourcePort}", $"{t.Destination}:{t.DestinationPort}",
                nowSeconds, kv.Value.Packets, kv.Value.Bytes, kv.Value.RxFlagsSeen, kv.Value.TxFlagsSeen, kv.Value.Flags,
                kv.Value.SourceSecurityId);
        }).ToList();
    }
}
