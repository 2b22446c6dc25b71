using System.Net;
using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

/// <summary><c>struct ipv4_ct_tuple</c>: key of ls_ct4; flags says which hook made it (0 out = pod egress, 1 in).</summary>
[CStruct("ipv4_ct_tuple")]
[StructLayout(LayoutKind.Sequential)]
public struct CtTupleAbi
{
    public const byte Out = 0;
    public const byte In = 1;

    [CField("daddr")] public uint DaddrNetworkOrder;
    [CField("saddr")] public uint SaddrNetworkOrder;
    [CField("dport")] public ushort DportNetworkOrder;
    [CField("sport")] public ushort SportNetworkOrder;
    [CField("nexthdr")] public byte NextHeader;
    [CField("flags")] public byte Flags;
    [CField("pad")] public ushort Pad;

    public readonly IPAddress Source => NetworkOrder.ToAddress(SaddrNetworkOrder);

    public readonly IPAddress Destination => NetworkOrder.ToAddress(DaddrNetworkOrder);

    public readonly int SourcePort => NetworkOrder.ToPort(SportNetworkOrder);

    public readonly int DestinationPort => NetworkOrder.ToPort(DportNetworkOrder);
}

/// <summary><c>struct ct_entry</c>: packet/byte counts, last-seen time and TCP flags seen per direction.</summary>
[CStruct("ct_entry")]
[StructLayout(LayoutKind.Sequential)]
public struct CtEntryAbi
{
    [CField("packets")] public ulong Packets;
    [CField("bytes")] public ulong Bytes;
    [CField("lifetime")] public uint Lifetime;
    [CField("flags")] public ushort Flags;
    [CField("rev_nat_index")] public ushort RevNatIndex;
    [CField("tx_flags_seen")] public byte TxFlagsSeen;
    [CField("rx_flags_seen")] public byte RxFlagsSeen;
    [CField("pad")] public ushort Pad;
    [CField("src_sec_id")] public uint SourceSecurityId;
}
