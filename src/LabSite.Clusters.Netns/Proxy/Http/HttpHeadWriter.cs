using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>Serialises heads back to wire bytes (Latin-1, CRLF), keeping field order and spelling.</summary>
internal static class HttpHeadWriter
{
    public static byte[] Request(HttpRequestHead head) => Encode(head.Method, head.Target, head.Version.Wire(), head.Headers);

    public static byte[] Response(HttpResponseHead head) =>
        Encode(head.Version.Wire(), head.StatusCode.ToString(CultureInfo.InvariantCulture), head.Reason, head.Headers);

    /// <summary>
    /// The start line "<paramref name="first"/> <paramref name="second"/> <paramref name="third"/>" and the fields,
    /// written into one array sized first: this runs twice per proxied request, so no builder or string in between.
    /// </summary>
    private static byte[] Encode(string first, string second, string third, HttpHeaderList headers)
    {
        var length = first.Length + 1 + second.Length + 1 + third.Length + 2 + 2;
        foreach (var (name, value) in headers)
        {
            length += name.Length + 2 + value.Length + 2;
        }

        var bytes = new byte[length];
        var at = Put(bytes, 0, first);
        bytes[at++] = (byte)' ';
        at = Put(bytes, at, second);
        bytes[at++] = (byte)' ';
        at = Put(bytes, at, third);
        at = Put(bytes, at, "\r\n");
        foreach (var (name, value) in headers)
        {
            at = Put(bytes, at, name);
            at = Put(bytes, at, ": ");
            at = Put(bytes, at, value);
            at = Put(bytes, at, "\r\n");
        }

        Put(bytes, at, "\r\n");
        return bytes;
    }

    // Latin-1 is one byte per char (a char above U+00FF becomes '?', as Encoding.Latin1 always did here).
    private static int Put(byte[] to, int at, string text) => at + Encoding.Latin1.GetBytes(text, to.AsSpan(at));
}
