using System.Net;
using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

// Mirrors of bpf/include/labsite_abi_lb.h. Network-order fields keep their C names with a
// NetworkOrder suffix and are converted only through the properties beside them.

/// <summary><c>struct lb4_key</c>: key of ls_lb4_services; slot 0 is the frontend.</summary>
[CStruct("lb4_key")]
[StructLayout(LayoutKind.Sequential)]
public struct Lb4Key
{
    [CField("address")] public uint AddressNetworkOrder;
    [CField("dport")] public ushort DportNetworkOrder;
    [CField("backend_slot")] public ushort BackendSlot;
    [CField("proto")] public byte Proto;
    [CField("scope")] public byte Scope;
    [CField("pad")] public ushort Pad;

    public Lb4Key(IPAddress address, int port, L4Protocol proto, ushort slot)
    {
        AddressNetworkOrder = NetworkOrder.FromAddress(address);
        DportNetworkOrder = NetworkOrder.FromPort(port);
        Proto = (byte)proto;
        BackendSlot = slot;
    }

    public readonly IPAddress Address => NetworkOrder.ToAddress(AddressNetworkOrder);

    public readonly int Port => NetworkOrder.ToPort(DportNetworkOrder);

    public override readonly string ToString() => $"{Address}:{Port}/{(L4Protocol)Proto} slot {BackendSlot}";
}

/// <summary><c>struct lb4_service</c>: for slot 0 the backend count; for slot n the backend id.</summary>
[CStruct("lb4_service")]
[StructLayout(LayoutKind.Sequential)]
public struct Lb4Service
{
    [CField("backend_id")] public uint BackendId;
    [CField("count")] public ushort Count;
    [CField("rev_nat_index")] public ushort RevNatIndex;
    [CField("flags")] public byte Flags;
    [CField("flags2")] public byte Flags2;
    [CField("qcount")] public ushort QuarantinedCount;
}

/// <summary><c>struct lb4_backend</c>: value of ls_lb4_backends (key: backend id from 1).</summary>
[CStruct("lb4_backend")]
[StructLayout(LayoutKind.Sequential)]
public struct Lb4Backend
{
    [CField("address")] public uint AddressNetworkOrder;
    [CField("port")] public ushort PortNetworkOrder;
    [CField("proto")] public byte Proto;
    [CField("flags")] public byte Flags;
    [CField("cluster_id")] public ushort ClusterId;
    [CField("zone")] public byte Zone;
    [CField("pad")] public byte Pad;

    public Lb4Backend(IPAddress address, int port, L4Protocol proto)
    {
        AddressNetworkOrder = NetworkOrder.FromAddress(address);
        PortNetworkOrder = NetworkOrder.FromPort(port);
        Proto = (byte)proto;
    }

    public readonly IPAddress Address => NetworkOrder.ToAddress(AddressNetworkOrder);

    public readonly int Port => NetworkOrder.ToPort(PortNetworkOrder);
}

/// <summary><c>struct lb4_reverse_nat</c>: value of ls_lb4_reverse_nat (key: rev_nat_index).</summary>
[CStruct("lb4_reverse_nat")]
[StructLayout(LayoutKind.Sequential)]
public struct Lb4ReverseNat
{
    [CField("address")] public uint AddressNetworkOrder;
    [CField("port")] public ushort PortNetworkOrder;
    [CField("pad")] public ushort Pad;
}

/// <summary>IP protocol numbers as the datapath stores them.</summary>
public enum L4Protocol : byte
{
    Any = 0,
    Icmp = 1,
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}
