using System.Net;
using System.Net.Sockets;

namespace LabSite.Clusters.Contract;

/// <summary>
/// A cluster whose Kubernetes API the agent serves inside the lab's own network, as kube-apiserver answers in a real
/// cluster on the <c>kubernetes</c> Service address (<c>kubernetes.default.svc</c>, 443): a socket listening there,
/// and client programs (the lab shell's real kubectl) run sandboxed in that network, so the only API they can reach is
/// their own lab's. Implemented by the netns backend.
/// </summary>
public interface IInClusterNetwork
{
    /// <summary>The ClusterIP of default/kubernetes (the first address of the lab's service range).</summary>
    IPAddress KubernetesServiceIp { get; }

    /// <summary>A TCP socket listening on <see cref="KubernetesServiceIp"/>:443 inside the lab's network; the caller owns it.</summary>
    Task<Socket> ListenKubernetesApiAsync(CancellationToken ct);

    /// <summary>
    /// Runs a client program in the lab's network: unprivileged, limited, with no host files but
    /// <see cref="ClientRun.ReadOnlyFiles"/>; streams output and returns the exit code.
    /// </summary>
    Task<int> RunClientAsync(ClientRun run, ExecStreams streams, CancellationToken ct);
}

/// <summary>
/// One client program run: the host binary <see cref="Program"/> appears as <see cref="SandboxProgram"/>; each
/// <see cref="ReadOnlyFiles"/> entry binds a host path (file or folder) read-only at a sandbox path;
/// <see cref="WorkingDirectory"/> is where it starts (a sandbox path).
/// </summary>
public sealed record ClientRun(
    string Program,
    string SandboxProgram,
    IReadOnlyList<string> Args,
    IReadOnlyList<(string Host, string Sandbox)> ReadOnlyFiles,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    TimeSpan Timeout,
    long MemoryBytes);
