using System.Net.Sockets;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// A built-in stand-in for a container image. The runtime opens the sockets it declares inside the pod's
/// network namespace (all of a pod's sockets in one trip), then hands each one to <see cref="Serve"/>,
/// which runs as async code in the agent until the pod stops.
/// </summary>
public interface IWorkload
{
    /// <summary>The sockets this container listens on; empty for client-only images.</summary>
    IReadOnlyList<Listener> Listeners(WorkloadContext context);

    /// <summary>Serves one opened listener until <paramref name="ct"/> is cancelled.</summary>
    Task Serve(Socket socket, Listener listener, WorkloadContext context, CancellationToken ct);

    /// <summary>Lines logged when the container starts (like a server's banner).</summary>
    IEnumerable<string> StartupLines(WorkloadContext context) => [];
}

/// <summary>A port to open: TCP listener or UDP socket bound to 0.0.0.0:Port in the pod.</summary>
public sealed record Listener(int Port, ProtocolType Protocol);
