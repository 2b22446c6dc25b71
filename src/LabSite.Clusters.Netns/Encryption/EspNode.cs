using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Encryption;

/// <summary>
/// IPsec on one node. This kernel has the XFRM framework but no ESP (CONFIG_INET_ESP is off, and no AES-GCM), so the
/// node's ESP runs here instead of in XFRM, in Cilium's tunnel-mode order: the pod packet is encrypted node to node,
/// then the ESP packet travels through <c>cilium_vxlan</c> (ESP inside VXLAN). Packets to an encrypting peer's pod
/// range are routed (table <see cref="RouteTable"/>, as Cilium's IPsec table) into the TUN device
/// <see cref="DeviceName"/>; this class wraps each in ESP tunnel mode with that peer's outbound state, between the
/// nodes' own addresses (Cilium's CiliumInternalIPs), and sends it from a raw IP protocol 50 socket, so the kernel writes
/// the outer header and routes it (table <see cref="EspRouteTable"/>) into the tunnel. ESP arriving through the tunnel
/// is read from the same socket, checked against the inbound states (SPI, ICV, replay window) and its inner pod packet
/// handed to the kernel through the TUN device, which delivers it to the pod. The bpf trace programs on the TUN device
/// report both as <c>to-crypto</c> and <c>from-crypto</c>.
/// </summary>
internal sealed class EspNode : IAsyncDisposable
{
    public const string DeviceName = "labsite_esp";
    public const int RouteTable = 200;
    /// <summary>The ESP packets' routes into the tunnel, with room for ESP's overhead around a 1500-byte pod packet.</summary>
    public const int EspRouteTable = 201;
    private const int RulePriority = 100;
    private const int EspRulePriority = 99;
    private const int EspRouteMtu = 1600;
    private const byte ProtocolEsp = 50;
    /// <summary>MARK_MAGIC_MASK of bpf/include/labsite_abi.h: the mark bits that say what a packet is for.</summary>
    private const uint MarkMagicMask = 0x0F00;
    private const int PollMs = 200;

    private readonly LabNode _node;
    private readonly string _netnsPath;
    private readonly TunDevice _tun;
    private readonly Socket _esp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _outbound;
    private readonly Thread _inbound;
    private readonly Lock _statesLock = new();
    private OutboundState[] _out = [];
    private FrozenDictionary<(IPAddress, uint), EspSa> _in = FrozenDictionary<(IPAddress, uint), EspSa>.Empty;
    private readonly List<EspSa> _retired = [];
    private readonly HashSet<IPAddress> _routed = [];

    private EspNode(LabNode node, TunDevice tun, Socket esp)
    {
        _node = node;
        _netnsPath = LabNames.NetnsPath(node.Netns);
        _tun = tun;
        _esp = esp;
        _outbound = new Thread(OutboundLoop) { IsBackground = true, Name = "esp out " + node.Netns };
        _outbound.Start();
        _esp.ReceiveTimeout = PollMs;
        _inbound = new Thread(InboundLoop) { IsBackground = true, Name = "esp in " + node.Netns };
        _inbound.Start();
    }

    public LabNode Node => _node;

    /// <summary>XFRM's error counters by the names of <c>/proc/net/xfrm_stat</c>.</summary>
    public readonly EspErrors Errors = new();

    /// <summary>Starts ESP on <paramref name="node"/>; <paramref name="traceDevice"/> puts the crypto trace programs on its device.</summary>
    public static async Task<EspNode> StartAsync(LabNode node, Func<LabNode, string, CancellationToken, Task>? traceDevice, CancellationToken ct)
    {
        var path = LabNames.NetnsPath(node.Netns);
        var tun = await TunDevice.CreateAsync(path, DeviceName);
        Socket? esp = null;
        try
        {
            esp = await NetnsThread.RunAsync(path, () =>
            {
                // .NET's Socket constructor refuses protocol 50 (EPROTONOSUPPORT from its mapping), libc does not.
                var fd = Kernel.Interop.Libc.Socket(Kernel.Interop.Libc.AddressFamilyInet, Kernel.Interop.Libc.SocketRaw | Kernel.Interop.Libc.SocketCloseOnExec, Kernel.Interop.Libc.ProtocolEsp);
                if (fd < 0)
                {
                    throw new Contract.ClusterException($"ESP socket in {node.Netns}: {Kernel.Interop.Errno.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
                }
                var s = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
                s.Bind(new IPEndPoint(node.NodeIp, 0));
                // Fragment when a packet outgrows the tunnel rather than drop it (the ESP routes leave room for ESP).
                s.DontFragment = false;
                return s;
            });
            await NetnsThread.WriteSysctlsAsync(path, new Dictionary<string, string>
            {
                // A decrypted packet comes from a peer's pod, which the main table routes via cilium_vxlan.
                [$"net.ipv4.conf.{DeviceName}.rp_filter"] = "0",
                [$"net.ipv4.conf.{DeviceName}.accept_local"] = "1",
            });
            if (traceDevice is not null)
            {
                await traceDevice(node, DeviceName, ct);
            }
            // ESP itself never enters the pod-range table (it would loop into the device), nor do packets bpf_lxc
            // redirected to the node's L7 proxy (they go on to ProxyRouting's rule, after this one); everything else
            // looks there first and falls through to the main table when no encrypting peer's range matches.
            await new IpBatch(node.Netns)
                .Add($"link set {DeviceName} mtu 1500 up")
                .Add($"rule add priority {EspRulePriority} ipproto {ProtocolEsp} lookup {EspRouteTable}")
                .Add($"rule add priority {RulePriority} not fwmark 0x{ProxyRouting.ToProxyMark:x}/0x{MarkMagicMask:x} lookup {RouteTable}")
                .RunAsync($"IPsec routing of {node.Netns}", ct);
            return new EspNode(node, tun, esp);
        }
        catch
        {
            esp?.Dispose();
            tun.Dispose();
            throw;
        }
    }

    /// <summary>The states in use (outbound first), for status and tests.</summary>
    public IReadOnlyList<(bool Outbound, EspSa State)> States
    {
        get
        {
            lock (_statesLock)
            {
                return [.. _out.Select(s => (true, s.State)), .. _in.Values.Select(s => (false, s))];
            }
        }
    }

    /// <summary>
    /// Installs <paramref name="key"/> for every peer: inbound states first (a peer may already send with it), then
    /// the outbound ones replace the old key's. Inbound states of older keys stay until <see cref="RetireInbound"/>.
    /// </summary>
    public void InstallInbound(IpsecKey key, IReadOnlyList<LabNode> peers)
    {
        lock (_statesLock)
        {
            var inbound = _in.ToDictionary();
            foreach (var peer in peers)
            {
                inbound.TryAdd((peer.NodeIp, key.Spi), new EspSa(key, peer.NodeIp, _node.NodeIp));
            }
            _in = inbound.ToFrozenDictionary();
        }
    }

    /// <summary>
    /// Switches the outbound states to <paramref name="key"/> and routes the peers' pod ranges into ESP, and the ESP
    /// packets to the peers' addresses into the tunnel.
    /// </summary>
    public async Task InstallOutboundAsync(IpsecKey key, IReadOnlyList<LabNode> peers, CancellationToken ct)
    {
        lock (_statesLock)
        {
            var outbound = new List<OutboundState>();
            foreach (var peer in peers)
            {
                var current = _out.FirstOrDefault(o => o.Peer.Equals(peer.NodeIp))?.State;
                if (current is not null && current.Key.SameAs(key))
                {
                    outbound.Add(new OutboundState(peer.NodeIp, IPNetwork.Parse(peer.PodCidr), current));
                    continue;
                }
                outbound.Add(new OutboundState(peer.NodeIp, IPNetwork.Parse(peer.PodCidr), new EspSa(key, _node.NodeIp, peer.NodeIp)));
                if (current is not null)
                {
                    _retired.Add(current);
                }
            }
            _out = [.. outbound];
        }
        var routes = new IpBatch(_node.Netns);
        foreach (var peer in peers.Where(p => _routed.Add(p.NodeIp)))
        {
            routes.Add($"route replace {peer.NodeIp} dev {LabOverlay.Device} table {EspRouteTable} src {_node.NodeIp} mtu lock {EspRouteMtu}");
            routes.Add($"route replace {peer.PodCidr} dev {DeviceName} table {RouteTable} src {_node.NodeIp}");
        }
        await routes.RunAsync($"IPsec routes of {_node.Netns}", ct);
    }

    /// <summary>Removes the inbound states of every key but <paramref name="keep"/> (the end of a rotation).</summary>
    public void RetireInbound(byte keep)
    {
        lock (_statesLock)
        {
            var (kept, gone) = (_in.Where(kv => kv.Key.Item2 == keep), _in.Where(kv => kv.Key.Item2 != keep).Select(kv => kv.Value).ToList());
            _in = kept.ToFrozenDictionary();
            _retired.AddRange(gone);
        }
    }

    private void OutboundLoop()
    {
        var packet = new byte[2048];
        var esp = new byte[2200];
        while (!_stop.IsCancellationRequested)
        {
            var n = _tun.Read(packet, PollMs);
            if (n < 20 || packet[0] >> 4 != 4)
            {
                continue;
            }
            if (packet[9] == ProtocolEsp)
            {
                continue; // ESP is routed into the tunnel, never here; encrypting it again would loop.
            }
            var destination = BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(16, 4));
            if (FindOutbound(_out, destination) is not { } sa)
            {
                Errors.Add(ref Errors.OutNoStates);
                continue;
            }
            var length = sa.Encapsulate(packet.AsSpan(0, n), esp);
            if (length < 0)
            {
                Errors.Add(ref Errors.OutStateSeqError);
                continue;
            }
            try
            {
                _esp.SendTo(esp.AsSpan(0, length), SocketFlags.None, sa.DestinationEndPoint);
            }
            catch (SocketException)
            {
                Errors.Add(ref Errors.OutError);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>The state of the peer whose pod range holds <paramref name="destination"/> (1-2 peers: a scan).</summary>
    private static EspSa? FindOutbound(OutboundState[] states, uint destination)
    {
        foreach (var s in states)
        {
            if ((destination & s.Mask) == s.Network)
            {
                return s.State;
            }
        }
        return null;
    }

    private void InboundLoop()
    {
        var buffer = new byte[4096];
        var inner = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                // A raw IPv4 socket receives the whole packet, outer header included; the timeout lets the loop see a stop.
                n = _esp.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
            {
                continue;
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }
            var headerLength = (buffer[0] & 0xf) * 4;
            if (n < headerLength + EspSa.HeaderLength || buffer[9] != 50)
            {
                Errors.Add(ref Errors.InHdrError);
                continue;
            }
            var source = new IPAddress(buffer.AsSpan(12, 4));
            var spi = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(headerLength));
            if (!_in.TryGetValue((source, spi), out var sa))
            {
                Errors.Add(ref Errors.InNoStates);
                continue;
            }
            switch (sa.Decapsulate(buffer.AsSpan(headerLength, n - headerLength), inner, out var innerLength))
            {
                case EspResult.Ok:
                    _tun.Write(inner.AsSpan(0, innerLength));
                    break;
                case EspResult.Replayed:
                    Errors.Add(ref Errors.InStateSeqError);
                    break;
                case EspResult.AuthenticationFailed:
                    Errors.Add(ref Errors.InStateProtoError);
                    break;
                default:
                    Errors.Add(ref Errors.InHdrError);
                    break;
            }
        }
    }

    /// <summary>Stops ESP on the node: rule and routes removed, the TUN device gone with its descriptor, states freed.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _outbound.Join();
        _inbound.Join();
        // Best effort: the routes go with the TUN device below anyway, and a rule left pointing at the then empty table
        // falls through to the main table; a namespace already removed (lab destroyed) has nothing left to remove.
        try
        {
            await new IpBatch(_node.Netns).Add($"rule del priority {RulePriority}").Add($"rule del priority {EspRulePriority}")
                .Add($"route flush table {EspRouteTable}")
                .RunAsync($"remove IPsec routing of {_node.Netns}", CancellationToken.None);
        }
        catch (Exception e) when (e is Contract.ClusterException or IOException)
        {
        }
        _esp.Dispose();
        _tun.Dispose();
        lock (_statesLock)
        {
            foreach (var sa in _out.Select(o => o.State).Concat(_in.Values).Concat(_retired))
            {
                sa.Dispose();
            }
            _out = [];
            _in = FrozenDictionary<(IPAddress, uint), EspSa>.Empty;
            _retired.Clear();
        }
        _stop.Dispose();
    }
}

/// <summary>An outbound state with the peer it encrypts for and that peer's pod range (host order, for the per-packet match).</summary>
internal sealed record OutboundState(IPAddress Peer, uint Network, uint Mask, EspSa State)
{
    public OutboundState(IPAddress peer, IPNetwork range, EspSa state)
        : this(peer, BinaryPrimitives.ReadUInt32BigEndian(range.BaseAddress.GetAddressBytes()),
            range.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - range.PrefixLength), state)
    {
    }
}

/// <summary>A node's ESP error counters, named as the kernel's XFRM statistics (<c>/proc/net/xfrm_stat</c>).</summary>
internal sealed class EspErrors
{
    public long InHdrError;
    public long InNoStates;
    public long InStateProtoError;
    public long InStateSeqError;
    public long OutNoStates;
    public long OutStateSeqError;
    public long OutError;

    public void Add(ref long counter) => Interlocked.Increment(ref counter);

    public IReadOnlyDictionary<string, long> NonZero() => new Dictionary<string, long>
    {
        ["XfrmInHdrError"] = Volatile.Read(ref InHdrError),
        ["XfrmInNoStates"] = Volatile.Read(ref InNoStates),
        ["XfrmInStateProtoError"] = Volatile.Read(ref InStateProtoError),
        ["XfrmInStateSeqError"] = Volatile.Read(ref InStateSeqError),
        ["XfrmOutNoStates"] = Volatile.Read(ref OutNoStates),
        ["XfrmOutStateSeqError"] = Volatile.Read(ref OutStateSeqError),
        ["XfrmOutError"] = Volatile.Read(ref OutError),
    }.Where(kv => kv.Value > 0).ToDictionary();
}
