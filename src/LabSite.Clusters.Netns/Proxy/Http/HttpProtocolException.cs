namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>
/// A peer broke HTTP/1.1 framing or a limit. <see cref="StatusCode"/> is what the proxy answers a client with
/// (400, 408, 431, 501, 505) or, for upstream faults, the gateway status (502, 504); the message says what and where.
/// </summary>
public sealed class HttpProtocolException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
