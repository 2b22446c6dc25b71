using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Outside;

/// <summary>
/// The running outside world of one lab: each host's address on the node's loopback (so pods' packets to it are
/// judged by their egress policy as <c>world</c> and then delivered on the node) and a small HTTP server per host on
/// port 80 answering every path with <c>hello from NAME</c>. Stops with the lab; the addresses go with the node.
/// </summary>
internal sealed class OutsideWorld : IAsyncDisposable
{
    private readonly List<Socket> _listeners;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _servers = [];

    private OutsideWorld(IReadOnlyList<OutsideHost> hosts, List<Socket> listeners)
    {
        Hosts = hosts;
        _listeners = listeners;
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            var server = new HttpServer(listeners[i], request => Answer(host, request), _ => { });
            _servers.Add(server.RunAsync(_stopping.Token));
        }
    }

    public IReadOnlyList<OutsideHost> Hosts { get; }

    public static async Task<OutsideWorld> StartAsync(string nodeNetns, IReadOnlyList<OutsideHost> hosts, CancellationToken ct)
    {
        if (hosts.Count > 0)
        {
            var batch = new IpBatch(nodeNetns);
            foreach (var h in hosts)
            {
                batch.Add($"addr add {h.Address}/32 dev lo");
            }
            await batch.RunAsync($"outside world addresses in {nodeNetns}", ct);
        }
        var listeners = await NetnsThread.RunAsync(LabNames.NetnsPath(nodeNetns), () => hosts.Select(h =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(h.Address, 80));
            s.Listen(64);
            return s;
        }).ToList());
        return new OutsideWorld(hosts, listeners);
    }

    internal static HttpResponse Answer(OutsideHost host, HttpRequest request) =>
        new(200, $"hello from {host.Name} ({request.Method} {request.Path})\n");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var s in _listeners)
        {
            s.Dispose();
        }
        await Task.WhenAll(_servers).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }
}
