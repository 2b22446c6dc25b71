using System.Net;
using System.Net.Sockets;

namespace LabSite.Web.Admission;

/// <summary>
/// Who counts as one client for the per-client limit: an IPv4 address, or an IPv6 /64 (one subscriber's prefix: a host
/// picks any of its 2^64 addresses at will, so counting addresses would count nothing).
/// </summary>
public static class ClientKey
{
    public static string? From(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
