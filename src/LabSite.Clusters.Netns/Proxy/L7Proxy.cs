namespace LabSite.Clusters.Netns.Proxy;

using LabSite.Clusters.Contract;
using System.Collections.Concurrent;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Listener;
using LabSite.Clusters.Netns.Proxy.Rules;

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
    private readonly Socket listener;
    private readonly L7ProxyOptions options;
    private readonly IL7PolicySource policies;
    private readonly IL7FlowSink sink;
    private readonly L7FlowFactory flows;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<long, Task> connections = new();
    private Task? acceptLoop;
    private long nextId;

    /// <summary>
    /// Takes ownership of <paramref name="listener"/>, a bound, listening socket: normally from
    /// <see cref="ProxySockets.CreateTransparentListener"/> run in the node namespace.
    /// </summary>
    public L7Proxy(Socket listener, L7ProxyOptions options, IL7PolicySource policies, IL7FlowSink sink)
    {
        (this.listener, this.options, this.policies, this.sink) = (listener, options, policies, sink);
        flows = new L7FlowFactory(options.NodeName, options.Time);
    }

    /// <summary>
    /// Starts a proxy for a netns lab: the transparent listener on 0.0.0.0:<paramref name="proxyPort"/> and every
    /// upstream socket are created inside the node namespace by <paramref name="node"/>, upstream sockets carrying
    /// <see cref="ProxySockets.UpstreamMark"/>. <paramref name="options"/> supplies the rest (direction, identities).
    /// </summary>
    public static L7Proxy StartInNamespace(
        NetworkNamespaceThread node, ushort proxyPort, L7ProxyOptions options, IL7PolicySource policies, IL7FlowSink sink)
    {
        var listener = node.Run(() => ProxySockets.CreateTransparentListener(proxyPort));
        var proxy = new L7Proxy(listener, options with
        {
            ProxyPort = proxyPort,
            CreateUpstreamSocket = family => new ValueTask<Socket>(node.RunAsync(() => ProxySockets.CreateUpstream(family, ProxySockets.UpstreamMark))),
        }, policies, sink);
        proxy.Start();
        return proxy;
    }

    /// <summary>Open client connections right now.</summary>
    public int ActiveConnections => connections.Count;

    public System.Net.IPEndPoint LocalEndPoint => (System.Net.IPEndPoint)listener.LocalEndPoint!;

    public void Start() => acceptLoop ??= Task.Run(AcceptLoopAsync);

    private async Task AcceptLoopAsync()
    {
        // Runs for the proxy's lifetime; each turn accepts one connection or ends on Dispose.
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // ECONNABORTED and friends: a client gave up while queued; EMFILE: back off briefly instead of spinning.
                options.Log?.Invoke($"l7 proxy :{options.ProxyPort}: accept: {e.SocketErrorCode}");
                await Task.Delay(TimeSpan.FromMilliseconds(50), options.Time, CancellationToken.None);
                continue;
            }

            if (connections.Count >= options.MaxConnections)
            {
                options.Log?.Invoke($"l7 proxy :{options.ProxyPort}: {options.MaxConnections} connections open; refusing {client.RemoteEndPoint}");
                client.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref nextId);
            var connection = new ProxyConnection(client, options, policies, sink, flows);
            // Register before starting so the entry cannot be removed before it exists.
            connections[id] = Task.CompletedTask;
            connections.TryUpdate(id, RunAsync(id, connection), Task.CompletedTask);
        }
    }

    private async Task RunAsync(long id, ProxyConnection connection)
    {
        await Task.Yield(); // leave the accept loop at once
        try
        {
            await connection.RunAsync(stop.Token);
        }
        catch (Exception e)
        {
            options.Log?.Invoke($"l7 proxy :{options.ProxyPort}: connection failed: {e}");
        }
        finally
        {
            connections.TryRemove(id, out _);
        }
    }

    /// <summary>Stops accepting, cancels every connection and waits for them to close.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        if (acceptLoop is not null)
        {
            await acceptLoop;
        }

        await Task.WhenAll(connections.Values);
        stop.Dispose();
    }
}
