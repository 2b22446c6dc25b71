using System.Net.Sockets;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>curl / netshoot / busybox-like images: no server, the pod exists to exec tools from.</summary>
public sealed class ClientWorkload : IWorkload
{
    public IReadOnlyList<Listener> Listeners(WorkloadContext context) => [];

    public Task Serve(Socket socket, Listener listener, WorkloadContext context, CancellationToken ct) => Task.CompletedTask;
}
