using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>An nginx-like static server: the welcome page on /, 404 elsewhere, on the declared ports or 80.</summary>
public sealed class NginxWorkload : HttpWorkload
{
    private const string Welcome =
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n" +
        "<p>If you see this page, the nginx web server is successfully installed and working.</p>\n</body>\n</html>\n";

    public override IReadOnlyList<Listener> Listeners(WorkloadContext context) => Tcp(context.DeclaredPortsOr("TCP", 80));

    protected override HttpResponse Handle(HttpRequest request, WorkloadContext context) =>
        request.Path is "/" or "/index.html"
            ? new HttpResponse(200, Welcome, "text/html")
            : new HttpResponse(404, "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n</body>\n</html>\n", "text/html");
}
