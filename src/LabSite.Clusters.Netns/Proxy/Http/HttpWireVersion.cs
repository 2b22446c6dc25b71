namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>The two HTTP/1.x versions spoken on the wire.</summary>
public enum HttpWireVersion
{
    Http10,
    Http11,
}

public static class HttpWireVersions
{
    public static string Wire(this HttpWireVersion v) => v == HttpWireVersion.Http10 ? "HTTP/1.0" : "HTTP/1.1";

    /// <summary>
    /// The protocol as Hubble's L7 flows name it: Cilium's access-log conversion prints HTTP/1.0 as "HTTP/1"
    /// (pkg/envoy GetProtocol), so flows and summaries say "HTTP/1" there, not "HTTP/1.0".
    /// </summary>
    public static string FlowName(this HttpWireVersion v) => v == HttpWireVersion.Http10 ? "HTTP/1" : "HTTP/1.1";

    /// <summary>Parses "HTTP/1.0" and "HTTP/1.1"; from a client, other HTTP versions get 505 and anything else 400; from an upstream, 502.</summary>
    public static HttpWireVersion Parse(string text, string where, int badStatus = 400)
    {
        switch (text)
        {
            case "HTTP/1.1":
                return HttpWireVersion.Http11;
            case "HTTP/1.0":
                return HttpWireVersion.Http10;
        }

        if (text.StartsWith("HTTP/", StringComparison.Ordinal) && text.Length == 8 && char.IsAsciiDigit(text[5]) && text[6] == '.' && char.IsAsciiDigit(text[7]))
        {
            throw new HttpProtocolException(badStatus == 400 ? 505 : badStatus, $"{where}: HTTP version '{text}' is not supported (only HTTP/1.0 and HTTP/1.1)");
        }

        throw new HttpProtocolException(badStatus, $"{where}: '{Printable.Of(text)}' is not an HTTP version (expected HTTP/1.1)");
    }
}
