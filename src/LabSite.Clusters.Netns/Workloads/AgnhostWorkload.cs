using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// <c>registry.k8s.io/e2e-test-images/agnhost</c>, by its first argument:
/// <list type="bullet">
/// <item><c>serve-hostname</c> / <c>porter</c> (the default): every declared containerPort answers with the pod name,
/// HTTP over TCP and one datagram back over UDP; with no declared ports, serve-hostname's default 9376 (TCP and UDP).
/// SCTP ports cannot be served (this kernel has no SCTP); they are logged as such and skipped.</item>
/// <item><c>netexec</c> (<see cref="AgnhostNetexec"/>): HTTP on <c>--http-port</c> (8080) and UDP on <c>--udp-port</c> (8081)
/// with agnhost's <c>/hostname</c>, <c>/echo</c>, <c>/clientip</c> and UDP <c>hostname</c>/<c>echo</c>/<c>clientip</c>.</item>
/// </list>
/// </summary>
public sealed class AgnhostWorkload : IWorkload
{
    public const int DefaultPort = 9376;

    public IReadOnlyList<Listener> Listeners(WorkloadContext context)
    {
        if (AgnhostNetexec.Parse(context.Arguments) is { } netexec)
        {
            return netexec.Listeners;
        }

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
        if (AgnhostNetexec.Parse(context.Arguments) is { } netexec)
        {
            foreach (var line in netexec.StartupLines())
            {
                yield return line;
            }
            yield break;
        }

        var mode = context.Arguments.FirstOrDefault(a => a is "serve-hostname" or "porter") ?? "serve-hostname";
        yield return $"agnhost {mode}: serving hostname {context.Pod.Name}";
        foreach (var p in context.Container.DeclaredPorts.Where(p => p.Protocol.Equals("SCTP", StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"port {p.Port}/SCTP not served: SCTP is not available in this kernel (CONFIG_IP_SCTP unset)";
        }
    }

    public Task Serve(Socket socket, Listener listener, WorkloadContext context, CancellationToken ct)
    {
        if (AgnhostNetexec.Parse(context.Arguments) is not null)
        {
            return listener.Protocol == ProtocolType.Udp
                ? ServeUdpAsync(socket, context, (text, client) => AgnhostNetexec.AnswerUdp(text, client, context.Pod.Name), ct)
                : new HttpServer(socket, request => AgnhostNetexec.AnswerHttp(request, context), context.WriteLog).RunAsync(ct);
        }

        return listener.Protocol == ProtocolType.Udp
            ? ServeUdpAsync(socket, context, (_, _) => context.Pod.Name, ct)
            : new HttpServer(socket, _ => new HttpResponse(200, context.Pod.Name), context.WriteLog).RunAsync(ct);
    }

    /// <summary>Answers each datagram with <paramref name="answer"/>'s text; null sends nothing (an unknown netexec command).</summary>
    private static async Task ServeUdpAsync(Socket socket, WorkloadContext context, Func<string, IPEndPoint, string?> answer, CancellationToken ct)
    {
        var buffer = new byte[2048];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct);
                var client = (IPEndPoint)r.RemoteEndPoint;
                if (answer(Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes), client) is { } reply)
                {
                    await socket.SendToAsync(Encoding.UTF8.GetBytes(reply), client, ct);
                    context.WriteLog($"udp {client}: replied {reply}");
                }
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
