namespace LabSite.Clusters.Netns.Workloads;

using LabSite.Clusters.Contract;
using System.Net.Sockets;

/// <summary>curl / netshoot / busybox-like images: no server, the pod exists to exec tools from.</summary>
public sealed class ClientWorkload : IWorkload
{
    public IReadOnlyList<Listener> Listeners(WorkloadContext context) => [];

    public Task Serve(Socket socket, Listener listener, WorkloadContext context, CancellationToken ct) => Task.CompletedTask;
}
