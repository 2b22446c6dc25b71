using LabSite.Agent.Server.KubeApi.Exec;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi.PortForward;

/// <summary>
/// A pod's <c>/portforward</c> over WebSocket (<c>v4.channel.k8s.io</c>, what KubernetesClient's
/// <c>WebSocketNamespacedPodPortForwardAsync</c> offers): the ports and the pod are checked before the upgrade, so the
/// client gets kube-apiserver's Status errors; then a <see cref="PortForwardSession"/> pipes bytes to the pod. SPDY
/// (kubectl's <c>SPDY/3.1+portforward.k8s.io</c> tunnel and its plain SPDY fallback) is not served, and says so.
/// </summary>
internal static class KubePortForward
{
    public const string Protocol = ExecChannels.V4;

    public static async Task<IResult> HandleAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        if (path.Kind != ResourceKinds.Pod)
        {
            return KubeStatus.NoSuchPath();
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
        {
            return KubeStatus.MethodNotAllowed($"{http.Request.Method} is not supported on pods/portforward: open it with GET as a WebSocket");
        }
        if (cluster is not IPodPortForward forwarder)
        {
            return KubeStatus.BadRequest("this lab's cluster does not forward pod ports");
        }
        var (ports, error) = PortForwardOptions.Parse(http.Request.Query);
        if (ports is null)
        {
            return KubeStatus.BadRequest(error!);
        }
        if (await KubeReads.FindAsync(cluster, path, ct) is not { } pod)
        {
            return KubeStatus.NotFound(path.Kind, path.Name!);
        }
        if ((string?)pod.Json["status"]?["phase"] is { } phase && phase != "Running")
        {
            return KubeStatus.BadRequest($"pod {path.Name} is not running (phase {phase}): there is nothing to forward to yet");
        }
        if (!http.WebSockets.IsWebSocketRequest || !http.WebSockets.WebSocketRequestedProtocols.Contains(Protocol, StringComparer.Ordinal))
        {
            var offered = http.WebSockets.IsWebSocketRequest
                ? string.Join(" ", http.WebSockets.WebSocketRequestedProtocols)
                : http.Request.Headers.Upgrade.ToString();
            return KubeStatus.BadRequest($"this lab's Kubernetes API forwards ports over a WebSocket with subprotocol {Protocol} only (as KubernetesClient opens it), not [{offered}]: kubectl port-forward's SPDY streams are not served");
        }
        using var slot = PortForwardLimit.TryTake(cluster);
        if (slot is null)
        {
            return KubeStatus.Failure(429, "TooManyRequests", $"this lab already has {PortForwardLimit.MaxPerLab} port-forward connections open, the most it may; close one first");
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync(Protocol);
        var uid = (string?)pod.Json["metadata"]?["uid"] ?? "";
        await new PortForwardSession(socket, ports).RunAsync(forwarder, path.Namespace!, path.Name!, uid, ct);
        return Results.Empty;
    }
}
