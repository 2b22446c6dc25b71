using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Encryption;

/// <summary>
/// IPsec on one node. This kernel has the XFRM framework but no ESP (CONFIG_INET_ESP is off, and no AES-GCM), so the
/// node's ESP runs here instead of in XFRM, with the same packets on the wire: the node's VXLAN packets to an encrypting
/// peer are routed (policy rule: UDP to port 8472, table 200, as Cilium's IPsec table) into the TUN device
/// <see cref="DeviceName"/>; this class wraps each in ESP tunnel mode with the peer's outbound state and sends it from
/// the node's underlay address (a raw IP protocol 50 socket, so the kernel writes the outer header). ESP arriving on the
/// node's <c>eth0</c> is read from the same socket, checked against the inbound states (SPI, ICV, replay window) and
/// its inner VXLAN packet handed to the kernel through the TUN device, where <c>cilium_vxlan</c> takes it as usual.
/// </summary>
internal sealed class EspNode : IAsyncDisposable
{
    public const string DeviceName = "labsite_esp";
    public const int RouteTable = 200;
    private const int RulePriority = 100;
    private const int PollMs = 200;

    private readonly LabNode _node;
    private readonly string _netnsPath;
    private readonly TunDevice _tun;
    private readonly Socket _esp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _outbound;
    private readonly Thread _inbound;
    private readonly Lock _statesLock = new();
    private FrozenDictionary<IPAddress, EspSa> _out = FrozenDictionary<IPAddress, EspSa>.Empty;
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

    public static async Task<EspNode> StartAsync(LabNode node, CancellationToken ct)
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
                s.Bind(new IPEndPoint(node.Underlay!, 0));
                // Fragment when a packet outgrows the underlay rather than drop it (the underlay leaves room for ESP).
                s.DontFragment = false;
                return s;
            });
            await NetnsThread.WriteSysctlsAsync(path, new Dictionary<string, string>
            {
                // The inner packet comes from a peer's underlay address, which the main table routes via eth0.
                [$"net.ipv4.conf.{DeviceName}.rp_filter"] = "0",
                [$"net.ipv4.conf.{DeviceName}.accept_local"] = "1",
            });
            await new IpBatch(node.Netns)
                .Add($"link set {DeviceName} mtu 1600 up")
                .Add($"rule add priority {RulePriority} ipproto udp dport {LabOverlay.Port} lookup {RouteTable}")
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
                return [.. _out.Values.Select(s => (true, s)), .. _in.Values.Select(s => (false, s))];
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
                inbound.TryAdd((peer.Underlay!, key.Spi), new EspSa(key, peer.Underlay!, _node.Underlay!));
            }
            _in = inbound.ToFrozenDictionary();
        }
    }

    /// <summary>Switches the outbound states to <paramref name="key"/> and routes the peers' VXLAN packets into ESP.</summary>
    public async Task InstallOutboundAsync(IpsecKey key, IReadOnlyList<LabNode> peers, CancellationToken ct)
    {
        lock (_statesLock)
        {
            var outbound = new Dictionary<IPAddress, EspSa>();
            foreach (var peer in peers)
            {
                if (_out.TryGetValue(peer.Underlay!, out var current) && current.Key.SameAs(key))
                {
                    outbound[peer.Underlay!] = current;
                    continue;
                }
                outbound[peer.Underlay!] = new EspSa(key, _node.Underlay!, peer.Underlay!);
                if (current is not null)
                {
                    _retired.Add(current);
                }
            }
            _out = outbound.ToFrozenDictionary();
        }
        var routes = new IpBatch(_node.Netns);
        foreach (var peer in peers.Where(p => _routed.Add(p.Underlay!)))
        {
            // The tunnel device in collect-metadata mode has no local address of its own: name the source, else the
            // kernel would pick the node address on lo and the peer would find no inbound state for it.
            routes.Add($"route replace {peer.Underlay} dev {DeviceName} table {RouteTable} src {_node.Underlay}");
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
            var destination = new IPAddress(packet.AsSpan(16, 4));
            var states = _out;
            if (!states.TryGetValue(destination, out var sa))
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
            await new IpBatch(_node.Netns).Add($"rule del priority {RulePriority}")
                .RunAsync($"remove IPsec routing of {_node.Netns}", CancellationToken.None);
        }
        catch (Exception e) when (e is Contract.ClusterException or IOException)
        {
        }
        _esp.Dispose();
        _tun.Dispose();
        lock (_statesLock)
        {
            foreach (var sa in _out.Values.Concat(_in.Values).Concat(_retired))
            {
                sa.Dispose();
            }
            _out = FrozenDictionary<IPAddress, EspSa>.Empty;
            _in = FrozenDictionary<(IPAddress, uint), EspSa>.Empty;
            _retired.Clear();
        }
        _stop.Dispose();
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
