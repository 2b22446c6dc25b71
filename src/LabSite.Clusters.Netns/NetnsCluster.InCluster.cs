using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Exec;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The lab's side of its in-cluster Kubernetes API: the node holds the <c>kubernetes</c> Service address (the first of
/// the service range, as 10.96.0.1 in a real cluster) on its loopback, so pods reach it through their default route and
/// the agent listens there; client programs (the lab shell's kubectl) run sandboxed in the node's namespace, which has
/// no link to the host: the lab's own addresses are all they can reach.
/// </summary>
public sealed partial class NetnsCluster : IInClusterNetwork
{
    public const int KubernetesServicePort = 443;

    public IPAddress KubernetesServiceIp => Addressing.KubernetesServiceIp;

    public async Task<Socket> ListenKubernetesApiAsync(CancellationToken ct)
    {
        ThrowIfDestroyed();
        var address = KubernetesServiceIp;
        return await NetnsThread.RunAsync(LabNames.NetnsPath(Names.NodeNetns), () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, KubernetesServicePort));
                socket.Listen(512);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        });
    }

    public async Task<int> RunClientAsync(ClientRun run, ExecStreams streams, CancellationToken ct)
    {
        ThrowIfDestroyed();
        if (!run.SandboxProgram.StartsWith("/usr/local/bin/", StringComparison.Ordinal))
        {
            throw new ClusterException($"a client program lives in /usr/local/bin of its sandbox, not {run.SandboxProgram}");
        }
        var settings = new SandboxCommand.Settings(
            CgroupProcsFile: Path.Combine(Names.CgroupDirectory, "cgroup.procs"),
            PodNetnsPath: LabNames.NetnsPath(Names.NodeNetns),
            Uid: ExecUid,
            SharedEtcDirectory: LabFiles.SharedDirectory(Names.RunDirectory),
            PodEtcDirectory: LabFiles.NodeDirectory(Names.RunDirectory),
            Hostname: "lab-shell",
            MemoryBytes: run.MemoryBytes,
            MaxProcesses: _options.ExecMaxProcesses,
            CpuSeconds: (int)Math.Ceiling(run.Timeout.TotalSeconds));
        return await PodExecutor.RunAsync(SandboxCommand.Build(settings, run.SandboxProgram, run.Args, client: run), streams, run.Timeout, ct);
    }
}
