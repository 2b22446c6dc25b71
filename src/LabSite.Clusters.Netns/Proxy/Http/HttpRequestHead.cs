namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>A parsed request line and header section.</summary>
public sealed class HttpRequestHead
{
    public required string Method { get; init; }

    /// <summary>The request-target as sent: origin form (<c>/v1/x?y</c>), absolute form, or <c>*</c>.</summary>
    public required string Target { get; init; }

    public required HttpWireVersion Version { get; init; }

    public required HttpHeaderList Headers { get; init; }

    /// <summary>Wire size of the head, CRLFs included.</summary>
    public int HeadBytes { get; init; }

    /// <summary>The authority: Host header, else the authority of an absolute-form target, else "".</summary>
    public string Host => Headers.Get("Host") ?? (Uri.TryCreate(Target, UriKind.Absolute, out var u) ? u.Authority : "");

    /// <summary>The path and query (what Envoy calls <c>:path</c>): the target itself in origin form.</summary>
    public string PathAndQuery => PathAndQueryOf(Target);

    /// <summary>True when the client wants the connection kept after this exchange (RFC 9112 §9.3).</summary>
    public bool KeepAlive => Version == HttpWireVersion.Http11
        ? !Headers.HasToken("Connection", "close")
        : Headers.HasToken("Connection", "keep-alive");

    /// <summary>The URL as Hubble shows it: <c>http://{Host}{path}</c>.</summary>
    public string FlowUrl => FlowUrlOf(Host, Target);

    /// <summary><see cref="FlowUrl"/> of a request with this authority and target (flows build it only when read).</summary>
    public static string FlowUrlOf(string host, string target) =>
        target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? target : $"http://{host}{PathAndQueryOf(target)}";

    private static string PathAndQueryOf(string target) =>
        target.StartsWith('/') || target == "*" ? target
        : Uri.TryCreate(target, UriKind.Absolute, out var u) ? u.PathAndQuery : target;
}
