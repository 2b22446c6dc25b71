using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns;

/// <summary>Port-forward: a socket made in the pod's namespace, connected to its loopback (as the kubelet connects).</summary>
public sealed partial class NetnsCluster : IPodPortForward
{
    public async Task<Socket> ConnectPodPortAsync(string @namespace, string pod, int port, CancellationToken ct)
    {
        ThrowIfDestroyed();
        if (port is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a TCP port is 1-65535");
        }
        var found = FindPod(@namespace, pod)
            ?? throw new ClusterException($"pods \"{pod}\" not found in namespace \"{@namespace}\"");
        if (found.Netns is not { Length: > 0 } netns || !File.Exists(LabNames.NetnsPath(netns)))
        {
            throw new ClusterException($"pod {@namespace}/{pod} has no network yet");
        }
        var socket = await NetnsThread.RunAsync(LabNames.NetnsPath(netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
