namespace LabSite.Clusters.Netns;

using LabSite.Clusters.Contract;
using System.Net;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

/// <summary>ClusterIP services of the lab: socket-LB entries, cluster DNS names and hosts files follow pods and services.</summary>
public sealed partial class NetnsCluster
{
    /// <summary>Creates or updates a ClusterIP service; a null ClusterIP takes the next free one of the lab's range.</summary>
    public async Task<ServiceSpec> ApplyServiceAsync(ServiceSpec spec, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            ThrowIfDestroyed();
            if (!Addressing.InServiceRange(spec.ClusterIp))
            {
                throw new ClusterException($"service {spec.Key}: clusterIP {spec.ClusterIp} is outside this cluster's service range {Addressing.ServiceCidr}");
            }

            if (services.Values.FirstOrDefault(s => s.ClusterIp.Equals(spec.ClusterIp) && s.Key != spec.Key) is { } clash)
            {
                throw new ClusterException($"service {spec.Key}: clusterIP {spec.ClusterIp} is already allocated to {clash.Key}");
            }

            if (services.TryGetValue(spec.Key, out var old))
            {
                RemoveFrontends(old, keep: spec);
            }

            services[spec.Key] = spec;
            if (!serviceIds.ContainsKey(spec.Key))
            {
                serviceIds[spec.Key] = nextServiceId++;
            }

            RefreshServicesAndFiles();
            return spec;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The next unused ClusterIP of this lab (Kubernetes allocates when a Service omits spec.clusterIP).</summary>
    public async Task<IPAddress> AllocateServiceIpAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            while (true)
            {
                var ip = Addressing.ServiceIp(nextServiceIp++);
                if (!services.Values.Any(s => s.ClusterIp.Equals(ip)))
                {
                    return ip;
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<bool> DeleteServiceAsync(string @namespace, string name, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (!services.Remove($"{@namespace}/{name}", out var old))
            {
                return false;
            }

            RemoveFrontends(old, keep: null);
            RefreshServicesAndFiles();
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public IReadOnlyList<ServiceSpec> Services
    {
        get
        {
            gate.Wait();
            try
            {
                return services.Values.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>Service frontends and their backends as the LB maps hold them (for <c>cilium-dbg service list</c>).</summary>
    public IReadOnlyList<ServiceEntry> ServiceEntries => loadBalancer?.Entries ?? [];

    /// <summary>The raw maps read back from the kernel (for <c>cilium-dbg bpf lb list</c>).</summary>
    internal ServiceLoadBalancer? LoadBalancer => loadBalancer;

    /// <summary>
    /// The LB maps as <c>cilium-dbg bpf lb list</c> sees them, read back from the kernel: one row per
    /// service slot (slot 0 = the frontend with its backend count), sorted by frontend then slot.
    /// </summary>
    public IReadOnlyList<LbMapRow> LbMapRows() => loadBalancer?.Rows() ?? [];

    private void RemoveFrontends(ServiceSpec old, ServiceSpec? keep)
    {
        foreach (var port in old.Ports)
        {
            var stillThere = keep is not null && keep.ClusterIp.Equals(old.ClusterIp) && keep.Ports.Any(p => p.Port == port.Port && p.Protocol == port.Protocol);
            if (!stillThere)
            {
                loadBalancer?.RemoveFrontend(old.ClusterIp, port.Port, port.Protocol);
            }
        }
    }

    /// <summary>Recomputes every service's backends from ready pods and rewrites the pods' hosts files. Caller holds the gate.</summary>
    private void RefreshServicesAndFiles()
    {
        var ready = Pods.Where(p => p.Ready).ToList();
        foreach (var s in services.Values)
        {
            var members = s.Selector.Count == 0
                ? []
                : ready.Where(p => p.Spec.Namespace == s.Namespace && s.Selector.All(kv => p.Spec.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)).ToList();
            foreach (var port in s.Ports)
            {
                var backends = new List<ServiceBackend>();
                foreach (var p in members)
                {
                    if (TargetPort(p, port) is { } target)
                    {
                        backends.Add(new ServiceBackend(p.Ip, target, port.Protocol, p.Spec.Key));
                    }
                }

                loadBalancer!.SetFrontend(new ServiceEntry(serviceIds[s.Key], s.Key, s.ClusterIp, port.Port, port.Protocol, backends));
            }
        }

        var names = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        foreach (var s in services.Values)
        {
            names[$"{s.Name}.{s.Namespace}.svc.{LabFiles.ClusterDomain}"] = s.ClusterIp;
        }

        foreach (var p in Pods)
        {
            names[$"{p.Ip.ToString().Replace('.', '-')}.{p.Spec.Namespace}.pod.{LabFiles.ClusterDomain}"] = p.Ip;
        }

        dns?.SetRecords(names);
        foreach (var p in Pods)
        {
            LabFiles.WritePod(Names.RunDirectory, p, services.Values, Addressing.NodeIp);
        }
    }

    private static int? TargetPort(PodRuntime pod, ServicePort port)
    {
        if (port.TargetPort is null)
        {
            return port.Port;
        }

        if (int.TryParse(port.TargetPort, out var n))
        {
            return n;
        }

        return pod.Spec.Containers.SelectMany(c => c.DeclaredPorts).FirstOrDefault(cp => cp.Name == port.TargetPort)?.Port;
    }
}
