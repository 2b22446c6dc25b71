using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>An HTTP echo server: answers every request with a JSON description of it (who asked, what, where).</summary>
public sealed class EchoWorkload(int defaultPort) : HttpWorkload
{
    public override IReadOnlyList<Listener> Listeners(WorkloadContext context) => Tcp(context.DeclaredPortsOr("TCP", defaultPort));

    protected override HttpResponse Handle(HttpRequest request, WorkloadContext context)
    {
        var headers = new JsonObject();
        foreach (var (k, v) in request.Headers)
        {
            headers[k.ToLowerInvariant()] = v;
        }

        var json = new JsonObject
        {
            ["host"] = new JsonObject { ["hostname"] = context.Pod.Name, ["ip"] = context.PodIp.ToString() },
            ["http"] = new JsonObject { ["method"] = request.Method, ["path"] = request.Target, ["protocol"] = request.Version },
            ["request"] = new JsonObject
            {
                ["remote"] = request.Remote.ToString(),
                ["local"] = request.Local.ToString(),
                ["headers"] = headers,
                ["body"] = System.Text.Encoding.UTF8.GetString(request.Body),
            },
        };
        return new HttpResponse(200, json.ToJsonString() + "\n", "application/json");
    }
}
