using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Services;

/// <summary>
/// The node's answer on LoadBalancer addresses (LB-IPAM's) for traffic from outside the lab's pods, e.g. the BGP
/// router: each address sits on the node's loopback, and a TCP listener per frontend port hands each connection to a
/// backend the service load balancer holds for that frontend (round robin over its current backends), relaying bytes
/// both ways. Pods never come here: their connections to the address are translated by the socket LB at connect().
/// The backend sees the node as the client (as with SNAT on a real node). TCP only. Callers serialize calls.
/// </summary>
internal sealed class LoadBalancerIngress(string nodeNetns, Func<IPAddress, int, Task<IReadOnlyList<ServiceBackend>>> backendsOf) : IAsyncDisposable
{
    private readonly Dictionary<(IPAddress Ip, int Port), Frontend> _frontends = [];
    private readonly HashSet<IPAddress> _addresses = [];

    private sealed class Frontend(Socket listener)
    {
        public Socket Listener { get; } = listener;

        public CancellationTokenSource Stopping { get; } = new();

        public Task Loop { get; set; } = Task.CompletedTask;

        public int Next;
    }

    /// <summary>Makes the listeners and loopback addresses exactly <paramref name="wanted"/>.</summary>
    public async Task SyncAsync(IReadOnlyCollection<(IPAddress Ip, int Port)> wanted, CancellationToken ct)
    {
        foreach (var key in _frontends.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            await StopAsync(key);
        }
        var addresses = wanted.Select(w => w.Ip).ToHashSet();
        var batch = new IpBatch(nodeNetns);
        foreach (var ip in addresses.Where(a => !_addresses.Contains(a)))
        {
            batch.Add($"addr add {ip}/32 dev lo");
        }
        foreach (var ip in _addresses.Where(a => !addresses.Contains(a)))
        {
            batch.Add($"addr del {ip}/32 dev lo");
        }
        if (!addresses.SetEquals(_addresses))
        {
            await batch.RunAsync($"LoadBalancer addresses in {nodeNetns}", ct);
            _addresses.Clear();
            _addresses.UnionWith(addresses);
        }
        foreach (var key in wanted.Where(w => !_frontends.ContainsKey(w)))
        {
            var listener = await NetnsThread.RunAsync(LabNames.NetnsPath(nodeNetns), () =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(key.Ip, key.Port));
                s.Listen(64);
                return s;
            });
            var frontend = new Frontend(listener);
            frontend.Loop = AcceptLoopAsync(key, frontend);
            _frontends[key] = frontend;
        }
    }

    private async Task AcceptLoopAsync((IPAddress Ip, int Port) key, Frontend frontend)
    {
        while (!frontend.Stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await frontend.Listener.AcceptAsync(frontend.Stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client, key, frontend);
        }
    }

    private async Task RelayAsync(Socket client, (IPAddress Ip, int Port) key, Frontend frontend)
    {
        using (client)
        {
            Socket? upstream = null;
            try
            {
                var backends = await backendsOf(key.Ip, key.Port);
                if (backends.Count == 0)
                {
                    return; // no backend: the connection closes, as Cilium drops with "no service backend"
                }
                var backend = backends[(int)((uint)Interlocked.Increment(ref frontend.Next) % (uint)backends.Count)];
                // Created on a thread inside the node namespace: the socket belongs to the node's network.
                upstream = await NetnsThread.RunAsync(LabNames.NetnsPath(nodeNetns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                await upstream.ConnectAsync(new IPEndPoint(backend.Ip, backend.Port), frontend.Stopping.Token);
                using var a = new NetworkStream(client, ownsSocket: false);
                using var b = new NetworkStream(upstream, ownsSocket: false);
                var up = CopyThenShutdownAsync(a, upstream, b, frontend.Stopping.Token);
                var down = CopyThenShutdownAsync(b, client, a, frontend.Stopping.Token);
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // Either side went away, or the frontend stopped; both sockets close here.
            }
            finally
            {
                upstream?.Dispose();
            }
        }
    }

    private static async Task CopyThenShutdownAsync(Stream from, Socket toSocket, Stream to, CancellationToken ct)
    {
        await from.CopyToAsync(to, ct);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    private async Task StopAsync((IPAddress Ip, int Port) key)
    {
        var f = _frontends[key];
        _frontends.Remove(key);
        await f.Stopping.CancelAsync();
        f.Listener.Dispose();
        await f.Loop.ContinueWith(_ => { }, TaskScheduler.Default);
        f.Stopping.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _frontends.Keys.ToList())
        {
            await StopAsync(key);
        }
    }
}
