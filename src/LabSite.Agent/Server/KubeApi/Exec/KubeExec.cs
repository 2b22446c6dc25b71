using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi.Exec;

/// <summary>
/// A pod's <c>/exec</c>: the query and the pod are checked before the upgrade, so kubectl gets kube-apiserver's
/// Status errors (<c>NotFound</c>, <c>BadRequest</c>); then the exec runs as an <see cref="ExecSession"/>. Only
/// WebSocket is served: kubectl 1.34 falls back to SPDY (a POST) when the upgrade fails, and that POST is answered
/// with the original error, or with a BadRequest saying SPDY is not served.
/// </summary>
internal static class KubeExec
{
    public static async Task<IResult> HandleAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        if (path.Kind != ResourceKinds.Pod)
        {
            return KubeStatus.NoSuchPath();
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
        {
            return KubeStatus.MethodNotAllowed($"{http.Request.Method} is not supported on pods/exec: open it with GET as a WebSocket");
        }
        var (options, error) = ExecOptions.Parse(http.Request.Query);
        if (options is null)
        {
            return KubeStatus.BadRequest(error!);
        }
        if (await KubeReads.FindAsync(cluster, path, ct) is not { } pod)
        {
            return KubeStatus.NotFound(path.Kind, path.Name!);
        }
        var (container, invalid) = options.ContainerIn(pod);
        if (container is null)
        {
            return KubeStatus.BadRequest(invalid!);
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            var spdy = http.Request.Headers.Upgrade.ToString().StartsWith("SPDY/", StringComparison.OrdinalIgnoreCase);
            return KubeStatus.BadRequest(spdy
                ? $"this lab's Kubernetes API streams exec over WebSocket only ({string.Join(", ", ExecChannels.Protocols)}), not SPDY"
                : $"exec is a WebSocket: send GET with an Upgrade request for {string.Join(" or ", ExecChannels.Protocols)}");
        }
        var offered = http.WebSockets.WebSocketRequestedProtocols;
        if (ExecChannels.Negotiate(offered) is not { } protocol)
        {
            return KubeStatus.BadRequest($"requested protocol(s) are not supported: [{string.Join(" ", offered)}]; supports [{string.Join(" ", ExecChannels.Protocols)}]");
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync(protocol);
        await new ExecSession(socket, options).RunAsync(cluster, path.Namespace!, path.Name!, container, ct);
        return Results.Empty;
    }
}
