using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Exec;

namespace LabSite.Clusters.Netns;

/// <summary>Exec: an allowed program in a pod of this lab, sandboxed (see Exec/SandboxCommand.cs).</summary>
public sealed partial class NetnsCluster
{
    /// <summary>Runs an allowed program in a pod, sandboxed; returns its exit code.</summary>
    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        var pod = FindPod(request.Namespace, request.Pod)
            ?? throw new ClusterException(IsCiliumAgentPod(request.Namespace, request.Pod)
                ? $"pod {request.Pod} is the lab's Cilium agent: it runs cilium-dbg and hubble only, through the lab shell (kubectl -n kube-system exec {request.Pod} -- cilium-dbg status)"
                : $"Error from server (NotFound): pods \"{request.Pod}\" not found in namespace \"{request.Namespace}\"");
        if (request.Container is { } named && pod.Spec.Containers.All(c => c.Name != named))
        {
            throw new ClusterException($"error: container {named} is not valid for pod {request.Pod}");
        }

        var container = request.Container is { } name ? pod.Spec.Containers.First(c => c.Name == name) : pod.Spec.Containers[0];
        var imagePrograms = ImagePrograms.For(container);
        if (ExecValidation.Check(request.Command, imagePrograms.Keys.ToList()) is { } error)
        {
            throw new ClusterException(error);
        }

        var settings = new SandboxCommand.Settings(
            CgroupProcsFile: Path.Combine(Names.CgroupDirectory, "cgroup.procs"),
            PodNetnsPath: LabNames.NetnsPath(pod.Netns),
            Uid: ExecUid,
            SharedEtcDirectory: LabFiles.SharedDirectory(Names.RunDirectory),
            PodEtcDirectory: LabFiles.PodDirectory(Names.RunDirectory, pod.Number),
            Hostname: pod.Spec.Name.Length > 63 ? pod.Spec.Name[..63] : pod.Spec.Name,
            MemoryBytes: (long)_options.ExecMemoryMiB * 1024 * 1024,
            MaxProcesses: _options.ExecMaxProcesses,
            CpuSeconds: _options.ExecTimeoutSeconds,
            ImagePrograms: imagePrograms);
        var program = ExecAllowList.Resolve(request.Command[0]) ?? request.Command[0];
        var args = request.Command.Skip(1).ToList();
        var limit = TimeSpan.FromSeconds(request.Tty ? _options.ExecSessionSeconds : _options.ExecTimeoutSeconds);
        var timeout = request.Timeout is { } t && t > TimeSpan.Zero && t < limit ? t : limit;
        return request.Tty
            ? await PodExecutor.RunOnTerminalAsync(terminal => SandboxCommand.Build(settings, program, args, terminal), streams, timeout, ct)
            : await PodExecutor.RunAsync(SandboxCommand.Build(settings, program, args), streams, timeout, ct);
    }
}
