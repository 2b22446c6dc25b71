using System.Net.Sockets;
using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>Base of the HTTP images: one handler on every TCP listener, access-logged.</summary>
public abstract class HttpWorkload : IWorkload
{
    public abstract IReadOnlyList<Listener> Listeners(WorkloadContext context);

    public virtual IEnumerable<string> StartupLines(WorkloadContext context) => [];

    public Task Serve(Socket socket, Listener listener, WorkloadContext context, CancellationToken ct) =>
        new HttpServer(socket, r => Handle(r, context), context.WriteLog).RunAsync(ct);

    protected abstract HttpResponse Handle(HttpRequest request, WorkloadContext context);

    protected static IReadOnlyList<Listener> Tcp(IEnumerable<int> ports) =>
        ports.Select(p => new Listener(p, ProtocolType.Tcp)).ToList();
}
