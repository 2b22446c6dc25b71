using System.Net;

namespace LabSite.Clusters.Netns.Bgp;

/// <summary>
/// The link between a lab's node(s) and its top-of-rack router, the same in every lab so lab content can name it:
/// 172.30.0.0/24, the router at 172.30.0.1 with ASN 65000, node k at 172.30.0.(2+k). Labs never share this link:
/// each lab's router and node namespaces hold their own copy, so the repeated addresses cannot meet.
/// </summary>
public static class BgpLink
{
    public const long RouterAsn = 65000;

    public static readonly IPAddress RouterIp = IPAddress.Parse("172.30.0.1");

    public static readonly IPNetwork Subnet = IPNetwork.Parse("172.30.0.0/24");

    public const int PrefixLength = 24;

    /// <summary>The most nodes a lab's router link holds (.2 up to .200).</summary>
    public const int MaxNodes = 199;

    /// <summary>Node <paramref name="index"/>'s address on the link (0-based): 172.30.0.2 for the first node.</summary>
    public static IPAddress NodeIp(int index) =>
        index is < 0 or >= MaxNodes ? throw new ArgumentOutOfRangeException(nameof(index)) : new IPAddress([172, 30, 0, (byte)(2 + index)]);

    /// <summary>The node-side interface on the router link (Cilium's nodes reach their ToR on their uplink).</summary>
    public const string NodeInterface = "bgp0";

    /// <summary>The router-side interface toward node <paramref name="index"/>.</summary>
    public static string RouterInterface(int index) => $"node{index}";
}
