using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LabSite.Clusters.Netns.Workloads.Http;

/// <summary>
/// A small HTTP/1.1 server over an already-listening socket (created inside a pod's namespace).
/// Enough for curl, wget and our L7 proxy: request line, headers, Content-Length bodies, keep-alive.
/// Each request is logged in the common access-log format, which <c>kubectl logs</c> then shows.
/// </summary>
public sealed class HttpServer(Socket listener, Func<HttpRequest, HttpResponse> handler, Action<string> log)
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxRequestsPerConnection = 1000;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        using var _ = client;
        using var stream = new NetworkStream(client, ownsSocket: false);
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var local = (IPEndPoint)client.LocalEndPoint!;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var reader = new RequestReader(stream);
            for (var i = 0; i < MaxRequestsPerConnection; i++)
            {
                idle.CancelAfter(TimeSpan.FromSeconds(30));
                var head = await reader.ReadHeadAsync(MaxHeaderBytes, idle.Token);
                if (head is null)
                {
                    return;
                }

                var request = Parse(head, remote, local);
                HttpResponse response;
                var keepAlive = false;
                if (request is null)
                {
                    response = new HttpResponse(400, "Bad Request\n");
                }
                else
                {
                    var length = int.TryParse(request.Header("Content-Length"), out var n) ? n : 0;
                    if (length is < 0 or > MaxBodyBytes)
                    {
                        response = new HttpResponse(413, "Payload Too Large\n");
                    }
                    else
                    {
                        request = request with { Body = await reader.ReadBodyAsync(length, idle.Token) };
                        response = handler(request);
                        // The last request a connection may carry says so (as nginx's keepalive_requests does), so a
                        // client or proxy reusing the connection does not send into a closed socket.
                        keepAlive = request.Version == "HTTP/1.1" && !"close".Equals(request.Header("Connection"), StringComparison.OrdinalIgnoreCase)
                            && i < MaxRequestsPerConnection - 1;
                    }
                }

                // Head and body in one write: two small writes make the second wait for the client's delayed ACK
                // (Nagle), 40 ms per keep-alive request.
                var body = Encoding.UTF8.GetBytes(response.Body);
                var responseHead = Head(response, body.Length, keepAlive);
                byte[] bytes = request?.Method == "HEAD" ? responseHead : [.. responseHead, .. body];
                await stream.WriteAsync(bytes, idle.Token);

                log(AccessLine(request, remote, response.Status, body.Length));
                if (!keepAlive)
                {
                    client.Shutdown(SocketShutdown.Both);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, idled out, or the pod stopped.
        }
    }

    private static HttpRequest? Parse(string head, IPEndPoint remote, IPEndPoint local)
    {
        var lines = head.Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length != 3 || !first[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                return null;
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return new HttpRequest(first[0], first[1], first[2], headers, [], remote, local);
    }

    private static byte[] Head(HttpResponse r, int length, bool keepAlive)
    {
        var sb = new StringBuilder();
        sb.Append($"HTTP/1.1 {r.Status} {HttpResponse.ReasonPhrase(r.Status)}\r\n");
        sb.Append($"Date: {DateTime.UtcNow:R}\r\n");
        sb.Append($"Content-Type: {r.ContentType}\r\n");
        sb.Append($"Content-Length: {length}\r\n");
        foreach (var (k, v) in r.ExtraHeaders)
        {
            sb.Append($"{k}: {v}\r\n");
        }

        if (!keepAlive)
        {
            sb.Append("Connection: close\r\n");
        }

        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static string AccessLine(HttpRequest? r, IPEndPoint remote, int status, int bytes)
    {
        var time = DateTime.UtcNow.ToString("dd/MMM/yyyy:HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture);
        var line = r is null ? "-" : $"{r.Method} {r.Target} {r.Version}";
        var agent = r?.Header("User-Agent") ?? "-";
        return $"{remote.Address} - - [{time}] \"{line}\" {status} {bytes} \"-\" \"{agent}\"";
    }

    /// <summary>Reads a request head up to the blank line, then an exact body length, over one buffer.</summary>
    private sealed class RequestReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[MaxHeaderBytes];
        private int _start;
        private int _end;

        public async Task<string?> ReadHeadAsync(int max, CancellationToken ct)
        {
            while (true)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                var at = span.IndexOf("\r\n\r\n"u8);
                if (at >= 0)
                {
                    var head = Encoding.Latin1.GetString(span[..at]);
                    _start += at + 4;
                    return head;
                }

                if (_end - _start >= max)
                {
                    return null;
                }

                Compact();
                var n = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
                if (n == 0)
                {
                    return null;
                }

                _end += n;
            }
        }

        public async Task<byte[]> ReadBodyAsync(int length, CancellationToken ct)
        {
            var body = new byte[length];
            var have = Math.Min(length, _end - _start);
            _buffer.AsSpan(_start, have).CopyTo(body);
            _start += have;
            while (have < length)
            {
                var n = await stream.ReadAsync(body.AsMemory(have), ct);
                if (n == 0)
                {
                    throw new IOException("body truncated");
                }

                have += n;
            }

            return body;
        }

        private void Compact()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
        }
    }
}
