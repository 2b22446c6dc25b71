using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>JSON bodies as kube-apiserver writes them (compact; kubectl pretty-prints what it shows).</summary>
internal static class KubeResults
{
    private static readonly JsonSerializerOptions s_compact = new() { WriteIndented = false };

    public static IResult Json(JsonNode body, int status = 200, string contentType = "application/json") =>
        Results.Text(body.ToJsonString(s_compact), contentType, System.Text.Encoding.UTF8, status);

    public static string Line(JsonNode body) => body.ToJsonString(s_compact) + "\n";

    /// <summary>A response the handler writes itself (a watch stream).</summary>
    public static IResult Streamed(Func<HttpContext, Task> write) => new StreamedResult(write);

    private sealed class StreamedResult(Func<HttpContext, Task> write) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => write(httpContext);
    }
}
