using System.Net;

namespace LabSite.Clusters.Netns.Workloads.Http;

/// <summary>One parsed HTTP/1.x request, as far as our built-in servers need it.</summary>
public sealed record HttpRequest(
    string Method,
    string Target,
    string Version,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    IPEndPoint Remote,
    IPEndPoint Local)
{
    public string Path => Target.Split('?', 2)[0];

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>A response; <see cref="Body"/> is sent as is with its Content-Length.</summary>
public sealed record HttpResponse(int Status, string Body, string ContentType = "text/plain; charset=utf-8")
{
    public IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders { get; init; } = [];

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
}
