using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>Where a probe starts or ends: a network namespace and the address it sends from or listens on.</summary>
public sealed record ProbeEndpoint(string Name, string NetnsPath, IPAddress Address);

/// <summary>
/// Real exchanges between namespaces: a TCP handshake, a UDP datagram answered by the peer, an ICMP request
/// answered by the peer's kernel. Sockets are created inside the sender's namespace (see <see cref="NetnsThread"/>)
/// and bound to its address first, so the source port is known and the datapath's drop event can be matched.
/// A probe ends at the reply, at the drop event, or after <see cref="Patience"/>. Ending at the drop event is
/// conclusive, not a shortcut: the probe's first packet (SYN, datagram, ICMP request) is the one dropped, and nothing
/// else is sent before TCP's first retransmission a second later, so no reply can come.
/// </summary>
public sealed class ConnectionProber(DropWatcher drops)
{
    /// <summary>Long enough for an allowed exchange on a loaded machine; denied ones end early on their drop event.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(4);

    public Task<ProbeOutcome> ProbeAsync(ProbeEndpoint from, ProbeEndpoint to, int port, ProbeProtocol protocol) => protocol switch
    {
        ProbeProtocol.TCP => TcpAsync(from, to.Address, port),
        ProbeProtocol.UDP => UdpAsync(from, to.Address, port),
        _ => IcmpAsync(from, to.Address, (byte)port),
    };

    private async Task<ProbeOutcome> TcpAsync(ProbeEndpoint from, IPAddress to, int port)
    {
        using var socket = await OpenAsync(from, SocketType.Stream, ProtocolType.Tcp);
        return await ExchangeAsync(ProbeProtocol.TCP, from, socket, to, port, async ct =>
        {
            await socket.ConnectAsync(new IPEndPoint(to, port), ct);
            return ProbeOutcome.Allowed;
        });
    }

    private async Task<ProbeOutcome> UdpAsync(ProbeEndpoint from, IPAddress to, int port)
    {
        using var socket = await OpenAsync(from, SocketType.Dgram, ProtocolType.Udp);
        return await ExchangeAsync(ProbeProtocol.UDP, from, socket, to, port, async ct =>
        {
            // Connected, so the peer's port-unreachable surfaces as ConnectionRefused instead of passing for a drop.
            await socket.ConnectAsync(new IPEndPoint(to, port), ct);
            await socket.SendAsync("probe"u8.ToArray(), SocketFlags.None, ct);
            await socket.ReceiveAsync(new byte[512], SocketFlags.None, ct);
            return ProbeOutcome.Allowed;
        });
    }

    private async Task<ProbeOutcome> IcmpAsync(ProbeEndpoint from, IPAddress to, byte type)
    {
        using var socket = await OpenAsync(from, SocketType.Raw, ProtocolType.Icmp);
        var id = (ushort)Random.Shared.Next(1, 65535);
        return await ExchangeAsync(ProbeProtocol.ICMP, from, socket, to, type, async ct =>
        {
            await socket.SendToAsync(IcmpRequest(type, id), new IPEndPoint(to, 0), ct);
            var reply = type == 8 ? 0 : 14;
            var buffer = new byte[1500];
            // A raw socket sees every ICMP packet for its address (other probes' too): wait for our reply.
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                var ihl = (buffer[0] & 0x0f) * 4;
                if (n >= ihl + 8 && buffer[ihl] == reply && new IPAddress(buffer.AsSpan(12, 4)).Equals(to)
                    && BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ihl + 4)) == id)
                {
                    return ProbeOutcome.Allowed;
                }
            }
        });
    }

    private static Task<Socket> OpenAsync(ProbeEndpoint from, SocketType type, ProtocolType protocol) =>
        NetnsThread.RunAsync(from.NetnsPath, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, type, protocol);
            s.Bind(new IPEndPoint(from.Address, 0));
            return s;
        });

    private async Task<ProbeOutcome> ExchangeAsync(ProbeProtocol protocol, ProbeEndpoint from, Socket socket, IPAddress to, int port, Func<CancellationToken, Task<ProbeOutcome>> exchange)
    {
        var sourcePort = protocol == ProbeProtocol.ICMP ? 0 : ((IPEndPoint)socket.LocalEndPoint!).Port;
        var key = DropWatcher.Key(protocol, from.Address.ToString(), sourcePort, to.ToString(), port);
        var dropped = drops.Expect(key);
        var started = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        using var cts = new CancellationTokenSource(Patience);
        try
        {
            var exchanged = exchange(cts.Token);
            if (await Task.WhenAny(exchanged, dropped) == dropped)
            {
                return new ProbeOutcome(ProbeResult.Dropped, dropped.Result.DropReason);
            }
            return await exchanged;
        }
        catch (OperationCanceledException)
        {
            var drop = dropped.IsCompletedSuccessfully ? dropped.Result : drops.FindInHistory(key, started);
            return drop is null ? new ProbeOutcome(ProbeResult.TimedOut) : new ProbeOutcome(ProbeResult.Dropped, drop.DropReason);
        }
        catch (SocketException e)
        {
            // Refused means the packet got through and nothing listens there: the world is wrong, not the policy.
            return new ProbeOutcome(ProbeResult.Failed, Detail: $"{e.SocketErrorCode}: {e.Message}");
        }
        finally
        {
            await cts.CancelAsync();
            drops.Forget(key);
        }
    }

    /// <summary>An echo (8) or timestamp (13) request with our id, checksummed.</summary>
    private static byte[] IcmpRequest(byte type, ushort id)
    {
        var packet = new byte[type == 13 ? 20 : 16];
        packet[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), 1);
        uint sum = 0;
        for (var i = 0; i < packet.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        }
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)~sum);
        return packet;
    }
}
