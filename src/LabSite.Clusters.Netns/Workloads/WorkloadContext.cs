using System.Net;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>What a workload knows about where it runs: its pod, container, address and log.</summary>
public sealed record WorkloadContext(PodSpec Pod, ContainerSpec Container, IPAddress PodIp, PodLog Log)
{
    public void WriteLog(string line) => Log.Write(Container.Name, line);

    /// <summary>The container's command and args joined, e.g. ["netexec", "--http-port=8080"].</summary>
    public IReadOnlyList<string> Arguments => [.. Container.Command ?? [], .. Container.Args ?? []];

    /// <summary>Declared ports of a protocol, or the fallback when none are declared.</summary>
    public IReadOnlyList<int> DeclaredPortsOr(string protocol, params int[] fallback)
    {
        var declared = Container.DeclaredPorts.Where(p => p.Protocol.Equals(protocol, StringComparison.OrdinalIgnoreCase)).Select(p => p.Port).ToList();
        return declared.Count > 0 || Container.DeclaredPorts.Count > 0 ? declared : fallback;
    }
}
