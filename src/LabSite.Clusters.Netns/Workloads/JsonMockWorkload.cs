using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary><c>quay.io/cilium/json-mock</c>: answers JSON on port 80 (the demo's ships; exec brings curl).</summary>
public sealed class JsonMockWorkload : HttpWorkload
{
    public override IReadOnlyList<Listener> Listeners(WorkloadContext context) => Tcp(context.DeclaredPortsOr("TCP", 80));

    protected override HttpResponse Handle(HttpRequest request, WorkloadContext context) =>
        request.Method is "GET" or "HEAD"
            ? new HttpResponse(200, $"{{\"pod\":\"{context.Pod.Name}\",\"path\":\"{Escape(request.Path)}\",\"mock\":true}}\n", "application/json")
            : new HttpResponse(404, "{\"error\":\"not found\"}\n", "application/json");

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
