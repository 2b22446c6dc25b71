using System.Net.Sockets;

namespace LabSite.Clusters.Contract;

/// <summary>
/// A cluster that opens TCP connections to its pods' ports, as the kubelet does for <c>pods/portforward</c>: from
/// inside the pod's own network namespace to its loopback, so only what that pod listens on is reachable (not the
/// node, not another pod, not the host). Implemented by the netns backend.
/// </summary>
public interface IPodPortForward
{
    /// <summary>
    /// A connected socket to 127.0.0.1:<paramref name="port"/> in the pod's network; the caller owns it.
    /// <see cref="ClusterException"/> when the pod does not exist or has no network; <see cref="SocketException"/>
    /// when nothing listens there.
    /// </summary>
    Task<Socket> ConnectPodPortAsync(string @namespace, string pod, int port, CancellationToken ct);
}
