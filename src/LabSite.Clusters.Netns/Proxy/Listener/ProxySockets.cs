using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// The two kinds of socket the proxy owns. Create them in the lab's node network namespace (see
/// <see cref="NetworkNamespaceThread"/>): a socket stays in the namespace it was created in, whichever thread uses it.
/// </summary>
public static class ProxySockets
{
    private const int SolIp = 0;          // <linux/in.h>
    private const int IpTransparent = 19; // IP_TRANSPARENT
    private const int SolSocket = 1;      // <asm-generic/socket.h>
    private const int SoMark = 36;        // SO_MARK

    /// <summary>
    /// Mark on every packet of the proxy's upstream connections. The datapath must pass marked traffic without
    /// redirecting it back to the proxy (else a request would loop). 0x0A00 is Cilium's MARK_MAGIC_PROXY_INGRESS
    /// value (bpf/lib/common.h), kept so the meaning reads the same in <c>bpftool</c> dumps and tc programs.
    /// </summary>
    public const uint UpstreamMark = 0x0A00;

    /// <summary>
    /// Magic of the egress listener's upstream mark (Cilium's MARK_MAGIC_PROXY_EGRESS; MARK_FROM_EGRESS_PROXY in
    /// bpf/include/labsite_abi.h). Unlike the ingress mark it does not let traffic pass: the destination's ingress
    /// policy judges it, for the client identity packed into the rest of the mark.
    /// </summary>
    public const uint EgressUpstreamMagic = 0x0B00;

    /// <summary>
    /// The egress upstream mark for a client identity, packed as Cilium does (identity bits 0-15 in mark bits 16-31,
    /// bits 16-23 in mark bits 0-7, the magic in bits 8-11). Pod identities fit in 24 bits.
    /// </summary>
    public static uint EgressUpstreamMark(NumericIdentity client) =>
        ((client.Value & 0xFFFF) << 16) | ((client.Value >> 16) & 0xFF) | EgressUpstreamMagic;

    /// <summary>The client identity an egress upstream mark carries (what bpf_lxc reads back).</summary>
    public static NumericIdentity IdentityOfEgressMark(uint mark) => new((mark >> 16) | ((mark & 0xFF) << 16));

    /// <summary>The SO_MARK of one exchange's upstream socket: by the listener's direction.</summary>
    public static uint UpstreamMarkFor(L7Exchange exchange) => exchange.Direction == TrafficDirection.EGRESS
        ? EgressUpstreamMark(exchange.ClientIdentity)
        : UpstreamMark;

    /// <summary>
    /// A listening socket bound to <c>0.0.0.0:port</c> with IP_TRANSPARENT, which lets it accept connections whose
    /// destination is not a local address: the datapath steers them here with <c>bpf_sk_assign</c> (or TPROXY) and
    /// the accepted socket's local address is the connection's original destination. Needs CAP_NET_ADMIN.
    /// </summary>
    public static Socket CreateTransparentListener(ushort port, int backlog = 1024, IPAddress? bind = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            SetInt(socket, SolIp, IpTransparent, 1, "IP_TRANSPARENT");
            socket.Bind(new IPEndPoint(bind ?? IPAddress.Any, port));
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A TCP socket for an upstream connection, carrying <paramref name="mark"/> (0 = no mark) as SO_MARK.</summary>
    public static Socket CreateUpstream(AddressFamily family, uint mark)
    {
        var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (mark != 0)
        {
            try
            {
                SetInt(socket, SolSocket, SoMark, (int)mark, "SO_MARK");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return socket;
    }

    private static void SetInt(Socket socket, int level, int name, int value, string what)
    {
        try
        {
            socket.SetRawSocketOption(level, name, BitConverter.GetBytes(value));
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"setsockopt {what}={value} failed: {e.Message} (the proxy needs CAP_NET_ADMIN)", e);
        }
    }
}
