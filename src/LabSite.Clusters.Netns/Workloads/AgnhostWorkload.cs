using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// <c>registry.k8s.io/e2e-test-images/agnhost</c> in its <c>serve-hostname</c> / <c>porter</c> roles: every
/// declared containerPort answers with the pod name — HTTP over TCP, one datagram back over UDP.
/// With no declared ports, serve-hostname's default 9376 (TCP and UDP). SCTP ports cannot be served
/// (this kernel has no SCTP); they are logged as such and skipped.
/// </summary>
public sealed class AgnhostWorkload : IWorkload
{
    public const int DefaultPort = 9376;

    public IReadOnlyList<Listener> Listeners(WorkloadContext context)
    {
        var ports = context.Container.DeclaredPorts;
        if (ports.Count == 0)
        {
            return [new Listener(DefaultPort, ProtocolType.Tcp), new Listener(DefaultPort, ProtocolType.Udp)];
        }

        return ports
            .Where(p => !p.Protocol.Equals("SCTP", StringComparison.OrdinalIgnoreCase))
            .Select(p => new Listener(p.Port, p.Protocol.Equals("UDP", StringComparison.OrdinalIgnoreCase) ? ProtocolType.Udp : ProtocolType.Tcp))
            .ToList();
    }

    public IEnumerable<string> StartupLines(WorkloadContext context)
    {
        var mode = context.Arguments.FirstOrDefault(a => a is "serve-hostname" or "porter" or "netexec") ?? "serve-hostname";
        yield return $"agnhost {mode}: serving hostname {context.Pod.Name}";
        foreach (var p in context.Container.DeclaredPorts.Where(p => p.Protocol.Equals("SCTP", StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"port {p.Port}/SCTP not served: SCTP is not available in this kernel (CONFIG_IP_SCTP unset)";
        }
    }

    public Task Serve(Socket socket, Listener listener, WorkloadContext context, CancellationToken ct) =>
        listener.Protocol == ProtocolType.Udp
            ? ServeUdpAsync(socket, context, ct)
            : new HttpServer(socket, _ => new HttpResponse(200, context.Pod.Name), context.WriteLog).RunAsync(ct);

    private static async Task ServeUdpAsync(Socket socket, WorkloadContext context, CancellationToken ct)
    {
        var buffer = new byte[2048];
        var reply = Encoding.UTF8.GetBytes(context.Pod.Name);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct);
                await socket.SendToAsync(reply, r.RemoteEndPoint, ct);
                context.WriteLog($"udp {r.RemoteEndPoint}: replied {context.Pod.Name}");
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A peer's ICMP error surfaced on the socket; keep serving others.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}
