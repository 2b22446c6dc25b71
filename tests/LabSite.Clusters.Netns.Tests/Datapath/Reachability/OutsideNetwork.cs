using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>
/// "World" for a lab: a network namespace of our own outside the cluster, holding two addresses of TEST-NET-2
/// (198.51.100.10 = world-a, 198.51.100.20 = world-b), joined to the lab's node namespace by a veth the node routes
/// to. No tc program sits on that veth, so to the datapath these addresses are what the internet is to Cilium:
/// unknown to the ipcache, hence identity world (or a CIDR identity once a policy names their prefix).
/// Also serves <see cref="Port"/> over TCP and UDP in the world and over TCP on the node's address (entity host).
/// </summary>
public sealed class OutsideNetwork : IAsyncDisposable
{
    public const int Port = 80;
    public static readonly IPAddress WorldA = IPAddress.Parse("198.51.100.10");
    public static readonly IPAddress WorldB = IPAddress.Parse("198.51.100.20");
    private const string NodeSide = "198.51.100.1";

    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stop = new();

    private OutsideNetwork(string netns, IPAddress nodeIp)
    {
        Netns = netns;
        NodeIp = nodeIp;
    }

    /// <summary>The world namespace's name (under /run/netns).</summary>
    public string Netns { get; }

    /// <summary>The node's address: what pods reach as the entity host.</summary>
    public IPAddress NodeIp { get; }

    public static async Task<OutsideNetwork> CreateAsync(NetnsCluster cluster)
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var net = new OutsideNetwork($"lsw-{id}", cluster.Addressing.NodeIp);
        var node = cluster.Names.NodeNetns;
        var veth = $"lsw{id}";
        try
        {
            await Ip("netns", "add", net.Netns);
            await Ip("-n", net.Netns, "link", "set", "lo", "up");
            await Ip("-n", node, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", net.Netns);
            await Ip("-n", node, "addr", "add", NodeSide + "/24", "dev", veth);
            await Ip("-n", node, "link", "set", veth, "up");
            await Ip("-n", net.Netns, "addr", "add", WorldA + "/24", "dev", "eth0");
            await Ip("-n", net.Netns, "addr", "add", WorldB + "/24", "dev", "eth0");
            await Ip("-n", net.Netns, "link", "set", "eth0", "up");
            await Ip("-n", net.Netns, "route", "add", "default", "via", NodeSide);

            var world = LabNames.NetnsPath(net.Netns);
            await net.ServeTcpAsync(world, IPAddress.Any);
            // One UDP socket per address: a wildcard socket would answer from the primary address (.10) even to
            // datagrams sent to .20, and a connected client rightly ignores replies from another address.
            await net.ServeUdpAsync(world, WorldA);
            await net.ServeUdpAsync(world, WorldB);
            await net.ServeTcpAsync(LabNames.NetnsPath(node), net.NodeIp);
            return net;
        }
        catch
        {
            await net.DisposeAsync();
            throw;
        }
    }

    private async Task ServeTcpAsync(string netnsPath, IPAddress address)
    {
        var socket = await NetnsThread.RunAsync(netnsPath, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(address, Port));
            s.Listen(64);
            return s;
        });
        _listeners.Add(socket);
        _ = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var c = await socket.AcceptAsync(_stop.Token);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Closed at dispose.
            }
        });
    }

    /// <summary>Answers every datagram with one back, as agnhost does in the pods.</summary>
    private async Task ServeUdpAsync(string netnsPath, IPAddress address)
    {
        var socket = await NetnsThread.RunAsync(netnsPath, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(address, Port));
            return s;
        });
        _listeners.Add(socket);
        _ = Task.Run(async () =>
        {
            var buffer = new byte[512];
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                    await socket.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), r.RemoteEndPoint, _stop.Token);
                }
                catch (SocketException) when (!_stop.IsCancellationRequested)
                {
                    // A peer's ICMP error surfaced on the socket; keep serving.
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return; // Closed at dispose.
                }
            }
        });
    }

    private static Task<string> Ip(params string[] args) => CommandRunner.RunCheckedAsync("outside network", "ip", args, null, CancellationToken.None);

    /// <summary>Deleting the namespace deletes the veth pair with it, node side included.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listeners.ForEach(l => l.Dispose());
        await CommandRunner.RunAsync("ip", ["netns", "del", Netns], null, CancellationToken.None);
        _stop.Dispose();
    }
}
