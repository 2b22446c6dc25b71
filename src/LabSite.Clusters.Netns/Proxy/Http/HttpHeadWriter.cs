using System.Text;

namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>Serialises heads back to wire bytes (Latin-1, CRLF), keeping field order and spelling.</summary>
internal static class HttpHeadWriter
{
    public static byte[] Request(HttpRequestHead head) =>
        Encode($"{head.Method} {head.Target} {head.Version.Wire()}", head.Headers);

    public static byte[] Response(HttpResponseHead head) =>
        Encode($"{head.Version.Wire()} {head.StatusCode} {head.Reason}", head.Headers);

    private static byte[] Encode(string startLine, HttpHeaderList headers)
    {
        var sb = new StringBuilder(startLine.Length + (headers.Count * 32) + 4).Append(startLine).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.Latin1.GetBytes(sb.Append("\r\n").ToString());
    }
}
