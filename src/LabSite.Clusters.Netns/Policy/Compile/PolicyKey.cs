using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Policy.Api;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>
/// A policy map key in host order, as the compiler produces it: remote identity (0 = any), direction, and a
/// protocol+port pattern given by <see cref="PortPrefixLength"/> over the 24 bits <c>protocol(8) | port(16)</c>:
/// 0 = any protocol and port, 8 = protocol only, 24 = one port, 9–23 = a port range (how endPort is stored).
/// The datapath key (<c>struct policy_key</c>) adds the 40 static bits of identity and direction in front.
/// </summary>
public readonly record struct PolicyKey(
    NumericIdentity Identity, TrafficDirection Direction, L4Protocol Protocol, ushort Port, byte PortPrefixLength)
    : IComparable<PolicyKey>
{
    /// <summary>Bits of identity + direction byte before the protocol in the LPM key (Cilium: 40).</summary>
    public const int StaticPrefixBits = 40;

    public static PolicyKey Any(NumericIdentity id, TrafficDirection dir) => new(id, dir, L4Protocol.Any, 0, 0);

    /// <summary>The 24-bit value protocol&lt;&lt;16 | port that the prefix applies to.</summary>
    public uint ProtoPort => ((uint)Protocol << 16) | Port;

    /// <summary>Prefix length as the LPM trie counts it (static bits + protocol/port bits).</summary>
    public int LpmPrefixLength => StaticPrefixBits + PortPrefixLength;

    /// <summary>Last port of the range this key covers (equals <see cref="Port"/> for a single port).</summary>
    public ushort EndPort => PortPrefixLength <= 8 ? (ushort)0xFFFF : (ushort)(Port | ((1 << (24 - PortPrefixLength)) - 1));

    /// <summary>True when this key's protocol/port pattern covers <paramref name="other"/>'s (identity and direction equal).</summary>
    public bool Covers(PolicyKey other)
    {
        if (Identity != other.Identity || Direction != other.Direction || PortPrefixLength > other.PortPrefixLength)
        {
            return false;
        }
        var mask = PortPrefixLength == 0 ? 0u : 0xFFFFFFu << (24 - PortPrefixLength) & 0xFFFFFFu;
        return (ProtoPort & mask) == (other.ProtoPort & mask);
    }

    /// <summary>Sorted like <c>bpf policy get</c>: ingress before egress, then identity, then port pattern.</summary>
    public int CompareTo(PolicyKey other)
    {
        var c = Direction.CompareTo(other.Direction);
        if (c == 0) { c = Identity.CompareTo(other.Identity); }
        if (c == 0) { c = ProtoPort.CompareTo(other.ProtoPort); }
        return c != 0 ? c : PortPrefixLength.CompareTo(other.PortPrefixLength);
    }

    /// <summary>PORT/PROTO as <c>bpf policy get</c> prints it: ANY, TCP, 80/TCP, 8080-8095/TCP.</summary>
    public string PortProtoText()
    {
        if (PortPrefixLength == 0)
        {
            return "ANY";
        }
        var proto = ProtocolName(Protocol);
        if (PortPrefixLength == 8)
        {
            return proto;
        }
        return PortPrefixLength == 24 ? $"{Port}/{proto}" : $"{Port}-{EndPort}/{proto}";
    }

    public static string ProtocolName(L4Protocol p) => p switch
    {
        L4Protocol.ICMPv6 => "ICMPv6",
        L4Protocol.Any => "ANY",
        _ => p.ToString(),
    };
}

/// <summary>
/// A policy map value: allow or deny, the proxy port (0 = none) with its priority, and the auth type an allow
/// requires (Cilium's AuthType: 0 none, 1 SPIRE; the datapath then needs an unexpired auth map entry for the pair).
/// </summary>
public readonly record struct PolicyVerdict(bool Deny, ushort ProxyPort = 0, byte ProxyPortPriority = 0, byte AuthType = 0)
{
    public static readonly PolicyVerdict Allow = new(false);
    public static readonly PolicyVerdict DenyAll = new(true);
}

/// <summary>One entry of an endpoint's policy map with the policies it derives from (sorted, for stable dumps).</summary>
public sealed record PolicyMapEntry(PolicyKey Key, PolicyVerdict Verdict, IReadOnlyList<PolicySource> DerivedFrom);
