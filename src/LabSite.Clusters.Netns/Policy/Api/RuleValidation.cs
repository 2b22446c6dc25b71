using System.Net;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Checks on single values of a rule, with the messages users see. Kept apart from the parsers (as Cilium keeps
/// rule_validation.go apart from rule.go) so the accepted forms are listed in one place.
/// </summary>
public static partial class RuleValidation
{
    /// <summary>Protocols a port rule may name, as Cilium spells them.</summary>
    public static readonly IReadOnlyDictionary<string, L4Protocol> Protocols = new Dictionary<string, L4Protocol>
    {
        ["TCP"] = L4Protocol.TCP,
        ["UDP"] = L4Protocol.UDP,
        ["SCTP"] = L4Protocol.SCTP,
        ["ICMP"] = L4Protocol.ICMP,
        ["ICMPV6"] = L4Protocol.ICMPv6,
        ["VRRP"] = L4Protocol.VRRP,
        ["IGMP"] = L4Protocol.IGMP,
        ["ANY"] = L4Protocol.Any,
    };

    private static readonly Dictionary<string, byte> s_icmp4Types = new(StringComparer.Ordinal)
    {
        ["EchoReply"] = 0,
        ["DestinationUnreachable"] = 3,
        ["Redirect"] = 5,
        ["Echo"] = 8,
        ["EchoRequest"] = 8,
        ["RouterAdvertisement"] = 9,
        ["RouterSelection"] = 10,
        ["TimeExceeded"] = 11,
        ["ParameterProblem"] = 12,
        ["Timestamp"] = 13,
        ["TimestampReply"] = 14,
    };

    private static readonly Dictionary<string, byte> s_icmp6Types = new(StringComparer.Ordinal)
    {
        ["DestinationUnreachable"] = 1,
        ["PacketTooBig"] = 2,
        ["TimeExceeded"] = 3,
        ["ParameterProblem"] = 4,
        ["EchoRequest"] = 128,
        ["EchoReply"] = 129,
        ["MulticastListenerQuery"] = 130,
        ["RouterSolicitation"] = 133,
        ["RouterAdvertisement"] = 134,
        ["NeighborSolicitation"] = 135,
        ["NeighborAdvertisement"] = 136,
    };

    /// <summary>Kubernetes' IANA_SVC_NAME: 1–15 chars of [a-z0-9-], at least one letter, no leading/trailing/double '-'.</summary>
    [GeneratedRegex("^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]?$")]
    private static partial Regex NamedPortPattern();

    public static bool IsNamedPort(string text) => text.Length is >= 1 and <= 15 && NamedPortPattern().IsMatch(text) && !text.EndsWith('-');

    /// <summary>Parses a protocol name (case-insensitive, as Cilium accepts); null with an error message when unknown.</summary>
    public static L4Protocol? ParseProtocol(string text, out string? error)
    {
        error = null;
        if (Protocols.TryGetValue(text.ToUpperInvariant(), out var p))
        {
            return p;
        }
        error = $"unknown protocol \"{text}\" (expected one of TCP, UDP, SCTP, ICMP, ICMPv6, VRRP, IGMP, ANY)";
        return null;
    }

    /// <summary>Parses a CIDR, or a bare address as a host prefix (/32 or /128) as Cilium does.</summary>
    public static IPNetwork? ParseCidr(string text, out string? error)
    {
        error = null;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (IPAddress.TryParse(text[..slash], out var addr) && int.TryParse(text[(slash + 1)..], out var len)
                && len >= 0 && len <= (addr.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            {
                var net = new IPNetwork(Masked(addr, len), len);
                // Bits set after the prefix are almost always a typo (10.0.0.1/8): refuse rather than guess.
                if (net.BaseAddress.Equals(addr))
                {
                    return net;
                }
            }
            error = $"\"{text}\" is not a CIDR (expected e.g. 10.0.0.0/8, with no bits set after the prefix)";
            return null;
        }
        if (IPAddress.TryParse(text, out var ip))
        {
            return new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }
        error = $"\"{text}\" is not a CIDR (expected e.g. 10.0.0.0/8, with no bits set after the prefix)";
        return null;
    }

    private static IPAddress Masked(IPAddress addr, int prefix)
    {
        var bytes = addr.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }

    /// <summary>Parses an ICMP type given as a number (0–255) or a name (EchoRequest, ...).</summary>
    public static byte? ParseIcmpType(string text, bool ipv6, out string? error)
    {
        error = null;
        if (byte.TryParse(text, out var n))
        {
            return n;
        }
        var names = ipv6 ? s_icmp6Types : s_icmp4Types;
        if (names.TryGetValue(text, out var t))
        {
            return t;
        }
        error = $"unknown ICMP{(ipv6 ? "v6" : "")} type \"{text}\" (a number 0-255 or one of {string.Join(", ", names.Keys)})";
        return null;
    }
}
