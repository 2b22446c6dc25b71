namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>A parsed status line and header section.</summary>
public sealed class HttpResponseHead
{
    public required HttpWireVersion Version { get; init; }

    public required int StatusCode { get; init; }

    public required string Reason { get; init; }

    public required HttpHeaderList Headers { get; init; }

    /// <summary>False when the server will close after this response (RFC 9112 §9.3).</summary>
    public bool KeepAlive => Version == HttpWireVersion.Http11
        ? !Headers.HasToken("Connection", "close")
        : Headers.HasToken("Connection", "keep-alive");
}
