using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// agnhost's <c>netexec</c> as e2e tests and Cilium's connectivity checks probe it: <c>GET /hostname</c> (and the old
/// <c>/hostName</c>) answers the pod name, <c>/echo?msg=M[&amp;code=N]</c> answers M (with status N), <c>/clientip</c>
/// the caller's <c>ip:port</c>, <c>/healthz</c> 200, <c>/</c> the time; over UDP, <c>hostname</c>, <c>echo M</c> and
/// <c>clientip</c>. What would run or change things in the pod (<c>/shell</c>, <c>/upload</c>, <c>/exit</c>,
/// <c>/shutdown</c>, <c>/dial</c>, <c>/redirect</c>) is not offered: 404 with a line saying so.
/// </summary>
public sealed record AgnhostNetexec(int HttpPort, int UdpPort)
{
    public const int DefaultHttpPort = 8080;
    public const int DefaultUdpPort = 8081;

    private static readonly string[] s_notOffered = ["/shell", "/upload", "/exit", "/shutdown", "/dial", "/redirect"];

    public IReadOnlyList<Listener> Listeners =>
        UdpPort == -1 ? [new Listener(HttpPort, ProtocolType.Tcp)] : [new Listener(HttpPort, ProtocolType.Tcp), new Listener(UdpPort, ProtocolType.Udp)];

    /// <summary>The netexec settings from a container's command and args, null when it does not run netexec.</summary>
    public static AgnhostNetexec? Parse(IReadOnlyList<string> arguments)
    {
        var at = arguments.ToList().IndexOf("netexec");
        if (at < 0)
        {
            return null;
        }
        var http = DefaultHttpPort;
        var udp = DefaultUdpPort;
        for (var i = at + 1; i < arguments.Count; i++)
        {
            var (name, value) = arguments[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (arguments[i], i + 1 < arguments.Count ? arguments[i + 1] : null);
            var separate = !arguments[i].Contains('=');
            if (name is "--http-port" or "--udp-port" && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port))
            {
                if (name == "--http-port")
                {
                    http = port;
                }
                else
                {
                    udp = port;
                }
                i += separate ? 1 : 0;
            }
        }
        return new AgnhostNetexec(http, udp);
    }

    public IEnumerable<string> StartupLines()
    {
        if (UdpPort != -1)
        {
            yield return $"Started UDP server on port  {UdpPort}";
        }
        yield return $"Started HTTP server on port {HttpPort}";
    }

    public static HttpResponse AnswerHttp(HttpRequest request, WorkloadContext context)
    {
        var query = Query(request.Target);
        switch (request.Path)
        {
            case "/hostname" or "/hostName":
                return new HttpResponse(200, context.Pod.Name);
            case "/clientip":
                return new HttpResponse(200, $"{request.Remote.Address}:{request.Remote.Port}");
            case "/healthz":
                return new HttpResponse(200, "");
            case "/echo":
                var message = query.GetValueOrDefault("msg", "");
                if (query.GetValueOrDefault("code") is not { Length: > 0 } codeText)
                {
                    return new HttpResponse(200, message);
                }
                return int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 999
                    ? new HttpResponse(code, message)
                    : new HttpResponse(200, $"argument 'code' must be an integer or empty, got \"{codeText}\"\n");
            case "/":
                return new HttpResponse(200, $"NOW: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fffffff} +0000 UTC");
            case var path when s_notOffered.Contains(path):
                return new HttpResponse(404, $"agnhost netexec {path} is not offered in this lab (it would run or change things in the pod)\n");
            default:
                return new HttpResponse(404, "404 page not found\n");
        }
    }

    /// <summary>netexec's UDP commands (case-insensitive, trimmed); null for anything else, which gets no reply.</summary>
    public static string? AnswerUdp(string text, IPEndPoint client, string hostname)
    {
        var command = text.Trim().ToLowerInvariant();
        return command switch
        {
            "hostname" => hostname,
            "clientip" => $"{client.Address}:{client.Port}",
            _ when command.StartsWith("echo ", StringComparison.Ordinal) => command[5..],
            _ => null,
        };
    }

    private static Dictionary<string, string> Query(string target)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var q = target.Split('?', 2);
        if (q.Length < 2)
        {
            return result;
        }
        foreach (var pair in q[1].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0].Replace('+', ' '));
            result.TryAdd(key, kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "");
        }
        return result;
    }
}
