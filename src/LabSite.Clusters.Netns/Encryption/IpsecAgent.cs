using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Clusters.Netns.Encryption;

/// <summary>
/// The lab's IPsec control plane. Cilium turns IPsec on at install (helm <c>encryption.enabled=true</c>,
/// <c>encryption.type=ipsec</c>) and reads its key from the Secret <c>kube-system/cilium-ipsec-keys</c>; a lab
/// cannot re-install Cilium, so here the Secret is the switch: while it exists with a valid key every node pair
/// encrypts (<see cref="EspNode"/>), without it nothing does. A new key with another SPI rotates: every node accepts
/// both keys, then sends with the new one, and the old key's inbound states go after <see cref="RotationGrace"/>
/// (Cilium's <c>ipsec-key-rotation-duration</c>, 5 minutes). A bad key changes nothing and is kept in
/// <see cref="LastError"/> (shown by <c>cilium-dbg encrypt status</c> as <c>Msg:</c>). Reconciles run one at a
/// time, coalesced, off the store's dispatch thread.
/// </summary>
internal sealed class IpsecAgent : IAsyncDisposable
{
    public static readonly TimeSpan RotationGrace = TimeSpan.FromMinutes(5);

    private readonly ObjectStore _store;
    private readonly IReadOnlyList<LabNode> _nodes;
    private readonly TimeProvider _time;
    private readonly Func<LabNode, string, CancellationToken, Task>? _traceDevice;
    private readonly CoalescedReconcile _reconcile;
    private readonly IDisposable _subscription;
    private readonly List<EspNode> _running = [];
    private ITimer? _retireTimer;

    /// <param name="traceDevice">Puts the to-crypto/from-crypto trace programs on a node's ESP device (the datapath's).</param>
    public IpsecAgent(ObjectStore store, IReadOnlyList<LabNode> nodes, TimeProvider time, Func<LabNode, string, CancellationToken, Task>? traceDevice = null)
    {
        _store = store;
        _nodes = nodes;
        _time = time;
        _traceDevice = traceDevice;
        _reconcile = new CoalescedReconcile(PassAsync);
        _subscription = store.Subscribe(OnChange, replayExisting: true);
    }

    /// <summary>The key every node sends with; null while IPsec is off.</summary>
    public IpsecKey? Current { get; private set; }

    /// <summary>The key being rotated out (still accepted inbound); null when no rotation is in flight.</summary>
    public IpsecKey? Previous { get; private set; }

    public string? LastError { get; private set; }

    private void OnChange(ObjectChange change)
    {
        if (change.Kind != ResourceKinds.Secret || change.Object.Namespace != IpsecKey.SecretNamespace || change.Object.Name != IpsecKey.SecretName)
        {
            return;
        }
        _reconcile.Schedule();
    }

    /// <summary>Brings every node to what the Secret says now; records (does not throw) what fails.</summary>
    public Task ReconcileAsync(CancellationToken ct) => _reconcile.RunAsync(ct);

    private async Task PassAsync(CancellationToken ct)
    {
        try
        {
            var secret = _store.Find(ResourceKinds.Secret, IpsecKey.SecretNamespace, IpsecKey.SecretName);
            if (secret is null)
            {
                await StopAsync();
                LastError = null;
                return;
            }
            var key = IpsecKey.Parse(KeyText(secret));
            if (_nodes.Count < 2)
            {
                throw new ClusterException("IPsec encrypts traffic between nodes; this lab has one node (front matter nodes: 2 or 3)");
            }
            if (Current is { } current && current.SameAs(key))
            {
                LastError = null;
                return;
            }
            if (Current is { } inUse && inUse.Spi == key.Spi)
            {
                throw new ClusterException($"{IpsecKey.FieldPath}: SPI {key.Spi} is in use with another key; rotate by giving the new key a higher SPI");
            }
            await ApplyAsync(key, ct);
            LastError = null;
        }
        catch (Exception e) when (e is ClusterException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            LastError = e.Message;
        }
    }

    /// <summary>Runs under the agent's lock so reads never race a reconcile.</summary>
    public async Task<T> ReadAsync<T>(Func<IReadOnlyList<EspNode>, T> read, CancellationToken ct)
    {
        await _reconcile.Gate.WaitAsync(ct);
        try
        {
            return read(_running);
        }
        finally
        {
            _reconcile.Gate.Release();
        }
    }

    private async Task ApplyAsync(IpsecKey key, CancellationToken ct)
    {
        var started = new List<EspNode>();
        try
        {
            foreach (var node in _nodes.Where(n => _running.All(r => r.Node.Index != n.Index)))
            {
                started.Add(await EspNode.StartAsync(node, _traceDevice, ct));
            }
        }
        catch
        {
            foreach (var s in started)
            {
                await s.DisposeAsync();
            }
            throw;
        }
        _running.AddRange(started);
        // Every node accepts the new key before any node sends with it, so no packet meets a node without its state.
        foreach (var esp in _running)
        {
            esp.InstallInbound(key, Peers(esp.Node));
        }
        foreach (var esp in _running)
        {
            await esp.InstallOutboundAsync(key, Peers(esp.Node), ct);
        }
        Previous = Current;
        Current = key;
        if (Previous is not null)
        {
            _retireTimer?.Dispose();
            _retireTimer = _time.CreateTimer(_ => _ = RetireAsync(key.Spi), null, RotationGrace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends a rotation now: only <see cref="Current"/> stays accepted (tests; the timer does it after the grace).</summary>
    public async Task RetireAsync(byte keep)
    {
        await _reconcile.Gate.WaitAsync(CancellationToken.None);
        try
        {
            if (Current?.Spi != keep)
            {
                return;
            }
            foreach (var esp in _running)
            {
                esp.RetireInbound(keep);
            }
            Previous = null;
        }
        finally
        {
            _reconcile.Gate.Release();
        }
    }

    private IReadOnlyList<LabNode> Peers(LabNode node) => _nodes.Where(n => n.Index != node.Index).ToList();

    private async Task StopAsync()
    {
        _retireTimer?.Dispose();
        _retireTimer = null;
        foreach (var esp in _running)
        {
            await esp.DisposeAsync();
        }
        _running.Clear();
        Current = null;
        Previous = null;
    }

    private static string KeyText(KubeObject secret)
    {
        if (secret.Json["data"]?[IpsecKey.KeyFile] is not { } value)
        {
            throw new ClusterException($"{IpsecKey.FieldPath}: Required value (Cilium reads its key from the Secret's key \"{IpsecKey.KeyFile}\")");
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value.ToString()));
        }
        catch (FormatException)
        {
            throw new ClusterException($"{IpsecKey.FieldPath}: not base64");
        }
    }

    /// <summary>This node's status in the shape of Cilium's <c>EncryptionStatus</c>.</summary>
    public static EncryptionStatusModel Status(string node, IpsecKey? current, IpsecKey? previous, string? error, EspNode? esp)
    {
        if (esp is null || current is null)
        {
            return new EncryptionStatusModel(node, "Disabled", error, [], 0, "N/A", new Dictionary<string, long>());
        }
        var states = esp.States;
        var maxSeq = states.Where(s => s.Outbound).Select(s => s.State.Sequence).DefaultIfEmpty(0u).Max();
        return new EncryptionStatusModel(node, "IPsec", error, ["eth0"], previous is null ? 1 : 2,
            $"0x{maxSeq:x}/0xffffffff", esp.Errors.NonZero(),
            [.. states.Select(s => new XfrmStateModel(s.State.Source.ToString(), s.State.Destination.ToString(), s.State.Spi,
                s.Outbound ? "out" : "in", IpsecKey.Algorithm, s.State.Key.IcvBits, s.State.Sequence,
                Interlocked.Read(ref s.State.Packets), Interlocked.Read(ref s.State.Bytes)))]);
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _reconcile.StopAsync();
        await _reconcile.Gate.WaitAsync(CancellationToken.None);
        try
        {
            await StopAsync();
        }
        finally
        {
            _reconcile.Gate.Release();
        }
        _reconcile.Dispose();
    }
}
