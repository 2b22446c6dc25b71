using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Flows.Metrics;

/// <summary>
/// Serves a lab's <see cref="HubbleMetrics"/> where the Cilium agent (host network) serves them: <c>GET /metrics</c> on
/// the node's address, port 9965, inside the node namespace. Pods reach it like any host address, so
/// <c>kubectl exec POD -- curl http://hubble-metrics.kube-system.svc.cluster.local:9965/metrics</c> works as on a real
/// node (subject to the pod's egress policy, as there).
/// </summary>
internal sealed class HubbleMetricsServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private HubbleMetricsServer(Socket listener, HubbleMetrics metrics)
    {
        _listener = listener;
        var server = new HttpServer(listener, request => Answer(request, metrics), _ => { });
        _loop = server.RunAsync(_stopping.Token);
    }

    public static async Task<HubbleMetricsServer> StartAsync(string nodeNetns, IPAddress address, HubbleMetrics metrics)
    {
        var socket = await NetnsThread.RunAsync(LabNames.NetnsPath(nodeNetns), () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(address, HubbleMetricCatalog.Port));
            s.Listen(64);
            return s;
        });
        return new HubbleMetricsServer(socket, metrics);
    }

    /// <summary>The answer to one request: the metrics at /metrics, Go's net/http 404 text elsewhere.</summary>
    internal static HttpResponse Answer(HttpRequest request, HubbleMetrics metrics) => request.Path == "/metrics"
        // The export writes into memory and completes synchronously; the server's handler is synchronous.
        ? new HttpResponse(200, metrics.ExportAsync(CancellationToken.None).GetAwaiter().GetResult(), PrometheusText.ContentType)
        : new HttpResponse(404, "404 page not found\n");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }
}
