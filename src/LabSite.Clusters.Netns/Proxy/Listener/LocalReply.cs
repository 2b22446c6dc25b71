using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// Responses the proxy makes itself. The 403 copies Envoy's as Cilium configures it (cilium/proxy
/// <c>cilium/l7policy.cc</c>: body "Access denied" plus CRLF, sent with Envoy's local-reply headers), so
/// <c>curl</c> prints exactly what the Star Wars demo shows.
/// </summary>
internal static class LocalReply
{
    public const string AccessDeniedBody = "Access denied\r\n";

    public static byte[] Forbidden(bool close, bool http10KeepAlive, TimeProvider time) =>
        Build(403, "Forbidden", AccessDeniedBody, close, http10KeepAlive, time);

    public static byte[] Error(int status, string detail, bool close, TimeProvider time) =>
        Build(status, ReasonPhrase(status), detail + "\r\n", close, http10KeepAlive: false, time);

    /// <summary>A routed listener's own answer (404 when no route matches, 500/503 for unusable backends), body as given.</summary>
    public static byte[] Plain(int status, string body, bool close, bool http10KeepAlive, TimeProvider time) =>
        Build(status, ReasonPhrase(status), body, close, http10KeepAlive, time);

    public static byte[] Continue() => "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    public static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };

    private static byte[] Build(int status, string reason, string body, bool close, bool http10KeepAlive, TimeProvider time)
    {
        var bodyBytes = Encoding.UTF8.GetByteCount(body);
        var sb = new StringBuilder(160 + body.Length)
            .Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reason).Append("\r\n")
            .Append("content-length: ").Append(bodyBytes.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("content-type: text/plain\r\n")
            .Append("date: ").Append(time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("server: envoy\r\n"); // what learners see with curl -v against real Cilium
        if (close)
        {
            sb.Append("connection: close\r\n");
        }
        else if (http10KeepAlive)
        {
            sb.Append("connection: keep-alive\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.Append("\r\n").Append(body).ToString());
    }
}
