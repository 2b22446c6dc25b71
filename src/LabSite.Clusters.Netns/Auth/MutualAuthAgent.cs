using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Proxy.Listener;

namespace LabSite.Clusters.Netns.Auth;

/// <summary>
/// Cilium's auth manager for one lab: reads the datapath's auth-required signals (ls_signals), authenticates each
/// identity pair once with a real mutual-TLS handshake from the dropping endpoint's node to the peer's node (the
/// peer node's <see cref="AuthListener"/> on its address, port 4250, across the lab network) and, when both ends
/// accept, writes the pair into ls_auth until the earlier of the two certificates expires. Revoking an identity (its
/// SPIRE entry deleted) withdraws its certificate and removes every auth entry naming it, so its traffic drops again.
/// </summary>
public sealed class MutualAuthAgent : IAsyncDisposable
{
    private readonly string _lab;
    private readonly PolicyDatapath _datapath;
    private readonly IReadOnlyList<LabNode> _nodes;
    private readonly List<AuthListener> _listeners;
    private readonly List<NetworkNamespaceThread> _nodeThreads;
    private readonly BpfFd _signalsFd;
    private readonly BpfRingBuffer _signals;
    private readonly Thread _pump;
    private readonly ConcurrentDictionary<(AuthKeyAbi Key, int Node), byte> _pending = new();
    private readonly ConcurrentDictionary<AuthKeyAbi, string> _writtenBy = new();
    private readonly ConcurrentDictionary<(AuthKeyAbi Key, int Node), long> _failedAt = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _stopping;
    private long _handshakes;
    private long _failures;

    private MutualAuthAgent(string lab, PolicyDatapath datapath, IReadOnlyList<LabNode> nodes, LabCertificateAuthority ca,
        List<AuthListener> listeners, List<NetworkNamespaceThread> threads)
    {
        _lab = lab;
        _datapath = datapath;
        _nodes = nodes;
        Authority = ca;
        _listeners = listeners;
        _nodeThreads = threads;
        _signalsFd = BpfPins.Open(datapath.SignalsPinPath);
        _signals = new BpfRingBuffer(_signalsFd.Value, OnSignal, datapath.SignalsPinPath);
        _pump = new Thread(Pump) { IsBackground = true, Name = "auth-signals " + lab };
        _pump.Start();
    }

    /// <summary>How long a pair whose handshake failed is not tried again (a restored identity waits at most this).</summary>
    public static readonly TimeSpan RetryBackoff = TimeSpan.FromSeconds(1);

    /// <summary>The lab's CA (SPIRE's stand-in).</summary>
    public LabCertificateAuthority Authority { get; }

    /// <summary>Each node's listener, in node order.</summary>
    public IReadOnlyList<AuthListener> Listeners => _listeners;

    public long Handshakes => Interlocked.Read(ref _handshakes);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last failed authentication, for diagnostics.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Creates the lab's CA, names the nodes in ls_node (id = index + 1, by underlay address) and starts each node's
    /// listener on its address (the underlay address in a multi-node lab, else the node's own).
    /// </summary>
    public static async Task<MutualAuthAgent> StartAsync(string lab, PolicyDatapath datapath, IReadOnlyList<LabNode> nodes, TimeSpan certificateLifetime)
    {
        var ca = new LabCertificateAuthority(lab, certificateLifetime);
        var listeners = new List<AuthListener>();
        var threads = new List<NetworkNamespaceThread>();
        try
        {
            foreach (var node in nodes)
            {
                if (node.Underlay is { } underlay)
                {
                    datapath.SetNodeId(underlay, NodeId(node));
                }
                var netns = LabNames.NetnsPath(node.Netns);
                listeners.Add(await AuthListener.StartAsync(netns, AddressOf(node), ca, node.Name));
                threads.Add(new NetworkNamespaceThread(netns));
            }
            return new MutualAuthAgent(lab, datapath, nodes, ca, listeners, threads);
        }
        catch
        {
            foreach (var l in listeners)
            {
                await l.DisposeAsync();
            }
            threads.ForEach(t => t.Dispose());
            ca.Dispose();
            throw;
        }
    }

    /// <summary>A node's id in auth keys (Cilium allocates node ids per cluster; 0 means "this node").</summary>
    public static ushort NodeId(LabNode node) => (ushort)(node.Index + 1);

    /// <summary>Where a node's listener answers: its InternalIP (underlay) when the lab has several nodes.</summary>
    public static IPAddress AddressOf(LabNode node) => node.Underlay ?? node.NodeIp;

    private void Pump()
    {
        while (!_stopping)
        {
            try
            {
                _signals.Poll(100);
            }
            catch (BpfException e)
            {
                LastError = e.Message;
                Thread.Sleep(100);
            }
        }
    }

    private void OnSignal(ReadOnlySpan<byte> record)
    {
        if (record.Length < Marshal.SizeOf<AuthSignalAbi>())
        {
            return;
        }
        var signal = MemoryMarshal.Read<AuthSignalAbi>(record);
        if (signal.SignalNumber != AuthSignalAbi.AuthRequired)
        {
            return;
        }
        var local = signal.LocalNodeNetworkOrder == 0 ? _nodes[0]
            : _nodes.FirstOrDefault(n => n.Underlay is { } u && NetworkOrder.FromAddress(u) == signal.LocalNodeNetworkOrder);
        var remote = signal.Key.RemoteNodeId == 0 ? local : _nodes.FirstOrDefault(n => NodeId(n) == signal.Key.RemoteNodeId);
        if (local is null || remote is null)
        {
            return;
        }
        // One handshake per pair and node at a time: a SYN and its retransmits signal several times. After a failure
        // the pair waits RetryBackoff, so a pod flooding a port it may not reach cannot keep the agent handshaking.
        if (_failedAt.TryGetValue((signal.Key, local.Index), out var failed) && Stopwatch.GetElapsedTime(failed) < RetryBackoff)
        {
            return;
        }
        if (_pending.TryAdd((signal.Key, local.Index), 0))
        {
            _ = AuthenticateAsync(signal.Key, local, remote);
        }
    }

    private async Task AuthenticateAsync(AuthKeyAbi key, LabNode local, LabNode remote)
    {
        try
        {
            var expiry = await HandshakeAsync(local, remote, key.LocalIdentity, key.RemoteIdentity, _stop.Token);
            _datapath.UpsertAuth(key, MonotonicSeconds(expiry));
            _writtenBy[key] = local.Name;
            _failedAt.TryRemove((key, local.Index), out _);
            Interlocked.Increment(ref _handshakes);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or BpfException)
        {
            Interlocked.Increment(ref _failures);
            _failedAt[(key, local.Index)] = Stopwatch.GetTimestamp();
            LastError = $"{key} from {local.Name} to {remote.Name}: {e.Message}";
        }
        finally
        {
            _pending.TryRemove((key, local.Index), out _);
        }
    }

    /// <summary>
    /// One mutual-TLS handshake from <paramref name="local"/>'s namespace to <paramref name="remote"/>'s listener, as
    /// <paramref name="localIdentity"/> expecting <paramref name="remoteIdentity"/>; returns the authentication's expiry.
    /// </summary>
    public async Task<DateTimeOffset> HandshakeAsync(LabNode local, LabNode remote, uint localIdentity, uint remoteIdentity, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AuthListener.HandshakeTimeout);
        // The socket is made inside the local node's namespace, so the connection leaves from that node's address.
        var socket = await _nodeThreads[local.Index].RunAsync(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(AddressOf(remote), MutualTls.Port), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return await MutualTls.ClientAsync(new NetworkStream(socket, ownsSocket: true), Authority, localIdentity, remoteIdentity, timeout.Token);
    }

    /// <summary>The auth map as <c>cilium-dbg bpf auth list</c> shows it, each entry with the node that wrote it.</summary>
    public IReadOnlyList<AuthEntryModel> Entries()
    {
        var nowMono = MonotonicNowSeconds();
        var now = DateTimeOffset.UtcNow;
        return _datapath.AuthEntries()
            .Select(kv => new AuthEntryModel(
                _writtenBy.TryGetValue(kv.Key, out var node) ? node : _nodes[0].Name,
                kv.Key.LocalIdentity, kv.Key.RemoteIdentity, kv.Key.RemoteNodeId,
                kv.Key.AuthType switch { 1 => "spire", 2 => "test-always-fail", _ => "disabled" },
                now.AddSeconds((double)kv.Value.Expiration - nowMono)))
            .OrderBy(e => e.Node, StringComparer.Ordinal).ThenBy(e => e.LocalIdentity).ThenBy(e => e.RemoteIdentity).ThenBy(e => e.RemoteNodeId)
            .ToList();
    }

    /// <summary>The SPIRE entries of <paramref name="identities"/> (the lab's allocated identities with their labels).</summary>
    public IReadOnlyList<SpireEntryModel> SpireEntries(IEnumerable<IdentityModel> identities)
    {
        var issued = Authority.Issued().ToDictionary(x => x.Identity, x => x.NotAfter);
        return identities
            .Where(i => i.Id >= LabCertificateAuthority.FirstIssuedIdentity && i.Id < Contract.Identity.NumericIdentity.LocalScopeFlag && !Authority.IsRevoked(i.Id))
            .Select(i => new SpireEntryModel(EntryId(i.Id), i.Id, i.Labels, issued.TryGetValue(i.Id, out var t) ? t : null))
            .ToList();
    }

    /// <summary>Revokes identities: no certificate any more, and every auth entry naming them is removed. Returns those newly revoked.</summary>
    public IReadOnlyList<uint> Revoke(IEnumerable<uint> identities)
    {
        var revoked = identities.Where(Authority.Revoke).ToList();
        foreach (var (key, _) in _datapath.AuthEntries().Where(kv => revoked.Contains(kv.Key.LocalIdentity) || revoked.Contains(kv.Key.RemoteIdentity)))
        {
            _datapath.DeleteAuth(key);
            _writtenBy.TryRemove(key, out _);
        }
        return revoked;
    }

    /// <summary>Lets revoked identities be issued certificates again (their pairs re-authenticate on their next packet).</summary>
    public IReadOnlyList<uint> Restore(IEnumerable<uint> identities)
    {
        var restored = identities.Where(Authority.Restore).ToList();
        foreach (var failed in _failedAt.Keys.Where(k => restored.Contains(k.Key.LocalIdentity) || restored.Contains(k.Key.RemoteIdentity)))
        {
            _failedAt.TryRemove(failed, out _);
        }
        return restored;
    }

    /// <summary>A stable entry id per lab and identity, shaped like SPIRE's (a UUID).</summary>
    public string EntryId(uint identity) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{_lab}/{identity}")).AsSpan(0, 16)).ToString();

    /// <summary>Seconds of CLOCK_MONOTONIC (what bpf_ktime_get_ns() counts; .NET's Stopwatch reads the same clock on Linux).</summary>
    public static double MonotonicNowSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>A wall-clock instant as ls_auth's expiration (whole seconds of CLOCK_MONOTONIC, rounded down).</summary>
    public static ulong MonotonicSeconds(DateTimeOffset at) =>
        (ulong)Math.Max(0, Math.Floor(MonotonicNowSeconds() + (at - DateTimeOffset.UtcNow).TotalSeconds));

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _stop.CancelAsync();
        _signals.Stop();
        _pump.Join();
        _signals.Dispose();
        _signalsFd.Dispose();
        foreach (var l in _listeners)
        {
            await l.DisposeAsync();
        }
        _nodeThreads.ForEach(t => t.Dispose());
        Authority.Dispose();
        _stop.Dispose();
    }
}
