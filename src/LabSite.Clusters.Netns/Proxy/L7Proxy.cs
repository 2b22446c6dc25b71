using System.Collections.Concurrent;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Listener;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Proxy;

/// <summary>
/// The L7 proxy of a netns lab, our stand-in for the Envoy that Cilium redirects HTTP-policed connections to.
/// The folder owns: HTTP/1.x parsing (<c>Http/</c>), the HTTP rule language and its evaluation (<c>Rules/</c>),
/// transparent listening and per-connection forwarding (<c>Listener/</c>), and L7 flows (<c>Flows/</c>).
/// One instance serves one listening socket (one proxy port, one direction); the datapath steers connections to it
/// and the policy engine keeps its <see cref="IL7PolicySource"/> current. Connections run independently and
/// fully async; a slow or broken one affects nobody else.
/// </summary>
public sealed class L7Proxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly L7ProxyOptions _options;
    private readonly IL7PolicySource _policies;
    private readonly IL7FlowSink _sink;
    private readonly L7FlowFactory _flows;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Task? _acceptLoop;
    private long _nextId;
    private int _dedicated;

    /// <summary>
    /// Takes ownership of <paramref name="listener"/>, a bound, listening socket: normally from
    /// <see cref="ProxySockets.CreateTransparentListener"/> run in the node namespace.
    /// </summary>
    public L7Proxy(Socket listener, L7ProxyOptions options, IL7PolicySource policies, IL7FlowSink sink)
    {
        (this._listener, this._options, this._policies, this._sink) = (listener, options, policies, sink);
        _flows = new L7FlowFactory(options.NodeName, options.Time);
    }

    /// <summary>
    /// Starts a proxy for a netns lab: the transparent listener on 0.0.0.0:<paramref name="proxyPort"/> and every
    /// upstream socket are created inside the node namespace by <paramref name="node"/>, upstream sockets carrying
    /// <see cref="ProxySockets.UpstreamMarkFor"/>. <paramref name="options"/> supplies the rest (direction, identities).
    /// </summary>
    public static L7Proxy StartInNamespace(
        NetworkNamespaceThread node, ushort proxyPort, L7ProxyOptions options, IL7PolicySource policies, IL7FlowSink sink)
    {
        var listener = node.Run(() => ProxySockets.CreateTransparentListener(proxyPort));
        var proxy = new L7Proxy(listener, options with
        {
            ProxyPort = proxyPort,
            CreateUpstreamSocket = x => new ValueTask<Socket>(node.RunAsync(() => ProxySockets.CreateUpstream(x.Server.AddressFamily, ProxySockets.UpstreamMarkFor(x)))),
        }, policies, sink);
        proxy.Start();
        return proxy;
    }

    /// <summary>Open client connections right now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Open client connections served on threads of their own (<see cref="L7ProxyOptions.MaxDedicatedThreads"/>).</summary>
    public int DedicatedConnections => Volatile.Read(ref _dedicated);

    public System.Net.IPEndPoint LocalEndPoint => (System.Net.IPEndPoint)_listener.LocalEndPoint!;

    public void Start() => _acceptLoop ??= Task.Run(AcceptLoopAsync);

    private async Task AcceptLoopAsync()
    {
        // Runs for the proxy's lifetime; each turn accepts one connection or ends on Dispose.
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // ECONNABORTED and friends: a client gave up while queued; EMFILE: back off briefly instead of spinning.
                _options.Log?.Invoke($"l7 proxy :{_options.ProxyPort}: accept: {e.SocketErrorCode}");
                await Task.Delay(TimeSpan.FromMilliseconds(50), _options.Time, CancellationToken.None);
                continue;
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                _options.Log?.Invoke($"l7 proxy :{_options.ProxyPort}: {_options.MaxConnections} connections open; refusing {client.RemoteEndPoint}");
                client.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            var dedicated = _dedicated < _options.MaxDedicatedThreads && DedicatedConnectionThreads.TryTake();
            var connection = new ProxyConnection(client, _options, _policies, _sink, _flows, blocking: dedicated);
            // Register before starting so the entry cannot be removed before it exists.
            _connections[id] = Task.CompletedTask;
            _connections.TryUpdate(id, dedicated ? RunOnOwnThread(id, connection) : RunAsync(id, connection), Task.CompletedTask);
        }
    }

    /// <summary>
    /// Runs a blocking connection on a thread of its own: every await in it completes synchronously (its streams
    /// block), so the thread carries it from accept to close.
    /// </summary>
    private Task RunOnOwnThread(long id, ProxyConnection connection)
    {
        Interlocked.Increment(ref _dedicated);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                RunAsync(id, connection, yieldFirst: false).GetAwaiter().GetResult();
            }
            finally
            {
                Interlocked.Decrement(ref _dedicated);
                DedicatedConnectionThreads.Return();
                done.SetResult();
            }
        }, DedicatedConnectionThreads.StackBytes) { IsBackground = true, Name = $"l7 proxy :{_options.ProxyPort} #{id}" };
        thread.Start();
        return done.Task;
    }

    private async Task RunAsync(long id, ProxyConnection connection, bool yieldFirst = true)
    {
        if (yieldFirst)
        {
            await Task.Yield(); // leave the accept loop at once
        }

        try
        {
            await connection.RunAsync(_stop.Token);
        }
        catch (Exception e)
        {
            _options.Log?.Invoke($"l7 proxy :{_options.ProxyPort}: connection failed: {e}");
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    /// <summary>Stops accepting, cancels every connection and waits for them to close.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        await Task.WhenAll(_connections.Values);
        _stop.Dispose();
    }
}
