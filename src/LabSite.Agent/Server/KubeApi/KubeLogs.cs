using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// A pod's <c>/log</c>: <c>tailLines</c> as <c>kubectl logs --tail</c> sends it, and <c>follow</c>, which reads the
/// log again every <see cref="s_poll"/> and streams what was added (the contract has no log stream) until the pod
/// goes away or the client hangs up.
/// </summary>
internal static class KubeLogs
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(500);

    public static async Task<IResult> HandleAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        if (path.Kind != ResourceKinds.Pod || !HttpMethods.IsGet(http.Request.Method))
        {
            return KubeStatus.NoSuchPath();
        }
        var tail = http.Request.Query["tailLines"].ToString();
        int? tailLines = null;
        if (tail.Length > 0)
        {
            if (!int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return KubeStatus.BadRequest($"tailLines: Invalid value: \"{tail}\": must be a non-negative integer");
            }
            tailLines = n;
        }
        if (await KubeReads.FindAsync(cluster, path, ct) is null)
        {
            return KubeStatus.NotFound(path.Kind, path.Name!);
        }
        var first = await cluster.LogsAsync(path.Namespace!, path.Name!, tailLines, ct);
        if (http.Request.Query["follow"] is not ["true" or "1"])
        {
            return Results.Text(first, "text/plain; charset=utf-8");
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(first, ct);
        await http.Response.Body.FlushAsync(ct);
        await FollowAsync(http, cluster, path, ct);
        return Results.Empty;
    }

    private static async Task FollowAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        var seen = (await cluster.LogsAsync(path.Namespace!, path.Name!, null, ct)).Length;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(s_poll, ct);
                var log = await cluster.LogsAsync(path.Namespace!, path.Name!, null, ct);
                // A log that shrank was cut from the front (a bounded buffer): send its last line onwards rather than nothing.
                var from = log.Length >= seen ? seen : Math.Max(0, log.LastIndexOf('\n', Math.Max(0, log.Length - 2)) + 1);
                if (log.Length > from)
                {
                    await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(log[from..]), ct);
                    await http.Response.Body.FlushAsync(ct);
                }
                seen = log.Length;
            }
        }
        catch (ClusterException)
        {
            // The pod was deleted: a real kubelet ends the stream too.
        }
        catch (OperationCanceledException)
        {
        }
    }
}
