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

    /// <summary>
    /// Parses a CIDR, or a bare address as a host prefix (/32 or /128) as Cilium does. Bits set after the prefix
    /// (<c>10.1.0.2/4</c>) are masked off, as Kubernetes and Cilium do; <paramref name="hostBitsSet"/> says so, for a warning.
    /// </summary>
    public static IPNetwork? ParseCidr(string text, out string? error, out bool hostBitsSet)
    {
        error = null;
        hostBitsSet = false;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (IPAddress.TryParse(text[..slash], out var addr) && IsPlainAddress(text[..slash])
                && int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var len)
                && len <= HostBits(addr))
            {
                var net = new IPNetwork(Masked(addr, len), len);
                hostBitsSet = !net.BaseAddress.Equals(addr);
                return net;
            }
        }
        else if (IPAddress.TryParse(text, out var ip) && IsPlainAddress(text))
        {
            return new IPNetwork(ip, HostBits(ip));
        }
        error = $"\"{text}\" is not a CIDR (expected an address and a prefix length, e.g. 10.0.0.0/8, or one address)";
        return null;
    }

    /// <summary>As <see cref="ParseCidr(string, out string?, out bool)"/>, for callers that do not warn.</summary>
    public static IPNetwork? ParseCidr(string text, out string? error) => ParseCidr(text, out error, out _);

    /// <summary>
    /// The API server's warning for a CIDR with bits set after the prefix: it could mean the network or the one
    /// address. The masked network is what Kubernetes and Cilium enforce.
    /// </summary>
    public static string HostBitsWarning(string text, IPNetwork masked)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addr = IPAddress.Parse(text[..slash]);
        return $"CIDR value \"{text}\" is ambiguous in this context (should be \"{masked}\" or \"{addr}/{HostBits(addr)}\"?)";
    }

    private static int HostBits(IPAddress addr) => addr.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;

    // IPAddress.TryParse also takes "10", "0x0a.1.2.3" and octal "010.0.0.1" (inet_aton forms), which Cilium's
    // parser (Go's netip) refuses; zones (fe80::1%eth0) have no meaning in a policy either.
    private static bool IsPlainAddress(string text) =>
        text.Contains(':', StringComparison.Ordinal) ? !text.Contains('%', StringComparison.Ordinal)
            : text.Split('.') is { Length: 4 } parts
                && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0'));

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
