using System.Net;
using System.Net.Sockets;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// ClusterIPs from the lab's service range: lowest free address first (deterministic, so tests and
/// lab texts can name them), never the network or broadcast address, nor a reserved one (default/kubernetes's).
/// </summary>
public sealed class ServiceIpAllocator
{
    private readonly uint _network;
    private readonly uint _size;
    private readonly HashSet<string> _reserved;

    public ServiceIpAllocator(string cidr, IEnumerable<string>? reserved = null)
    {
        _reserved = reserved?.ToHashSet(StringComparer.Ordinal) ?? [];
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], out var prefix) || prefix is < 8 or > 30)
        {
            throw new ArgumentException($"service range \"{cidr}\" is not an IPv4 CIDR with a prefix between /8 and /30 (e.g. 10.96.0.0/16)", nameof(cidr));
        }
        Cidr = cidr;
        var mask = uint.MaxValue << (32 - prefix);
        _network = ToUInt(address) & mask;
        _size = ~mask + 1;
    }

    public string Cidr { get; }

    public bool Contains(IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetwork && ToUInt(ip) - _network is var offset && offset > 0 && offset < _size - 1;

    /// <summary>Whether <paramref name="ip"/> is held for a Service the cluster itself provides.</summary>
    public bool IsReserved(string ip) => _reserved.Contains(ip);

    /// <summary>The lowest address not in <paramref name="used"/> nor reserved; null when the range is full.</summary>
    public string? Allocate(IReadOnlySet<string> used)
    {
        for (uint offset = 1; offset < _size - 1; offset++)
        {
            var candidate = FromUInt(_network + offset).ToString();
            if (!used.Contains(candidate) && !_reserved.Contains(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static uint ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress FromUInt(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
