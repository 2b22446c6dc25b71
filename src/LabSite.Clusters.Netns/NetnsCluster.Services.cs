using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Mesh;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

namespace LabSite.Clusters.Netns;

/// <summary>ClusterIP services of the lab: socket-LB entries, cluster DNS names and hosts files follow pods and services.</summary>
public sealed partial class NetnsCluster
{
    private LoadBalancerIngress? _lbIngress;

    /// <summary>Creates or updates a ClusterIP service; a null ClusterIP takes the next free one of the lab's range.</summary>
    public async Task<ServiceSpec> ApplyServiceAsync(ServiceSpec spec, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ThrowIfDestroyed();
            if (!Addressing.InServiceRange(spec.ClusterIp))
            {
                throw new ClusterException($"service {spec.Key}: clusterIP {spec.ClusterIp} is outside this cluster's service range {Addressing.ServiceCidr}");
            }

            if (spec.ClusterIp.Equals(KubernetesServiceIp))
            {
                throw new ClusterException($"service {spec.Key}: clusterIP {spec.ClusterIp} is already allocated to default/kubernetes");
            }

            if (_services.Values.FirstOrDefault(s => s.ClusterIp.Equals(spec.ClusterIp) && s.Key != spec.Key) is { } clash)
            {
                throw new ClusterException($"service {spec.Key}: clusterIP {spec.ClusterIp} is already allocated to {clash.Key}");
            }

            if (_services.TryGetValue(spec.Key, out var old))
            {
                RemoveFrontends(old, keep: spec);
            }

            _services[spec.Key] = spec;
            if (!_serviceIds.ContainsKey(spec.Key))
            {
                _serviceIds[spec.Key] = _nextServiceId++;
            }

            RefreshServicesAndFiles();
            await SyncLoadBalancerIngressAsync(ct);
            return spec;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The next unused ClusterIP of this lab (Kubernetes allocates when a Service omits spec.clusterIP).</summary>
    public async Task<IPAddress> AllocateServiceIpAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            while (true)
            {
                var ip = Addressing.ServiceIp(_nextServiceIp++);
                if (!_services.Values.Any(s => s.ClusterIp.Equals(ip)))
                {
                    return ip;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> DeleteServiceAsync(string @namespace, string name, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_services.Remove($"{@namespace}/{name}", out var old))
            {
                return false;
            }

            RemoveFrontends(old, keep: null);
            RefreshServicesAndFiles();
            await SyncLoadBalancerIngressAsync(ct);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyList<ServiceSpec> Services
    {
        get
        {
            _gate.Wait();
            try
            {
                return _services.Values.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Service frontends and their backends as the LB maps hold them (for <c>cilium-dbg service list</c>).</summary>
    public IReadOnlyList<ServiceEntry> ServiceEntries => _loadBalancer?.Entries ?? [];

    /// <summary>The raw maps read back from the kernel (for <c>cilium-dbg bpf lb list</c>).</summary>
    internal ServiceLoadBalancer? LoadBalancer => _loadBalancer;

    /// <summary>
    /// The LB maps as <c>cilium-dbg bpf lb list</c> sees them, read back from the kernel: one row per
    /// service slot (slot 0 = the frontend with its backend count), sorted by frontend then slot.
    /// </summary>
    public IReadOnlyList<LbMapRow> LbMapRows() => _loadBalancer?.Rows() ?? [];

    private void RemoveFrontends(ServiceSpec old, ServiceSpec? keep)
    {
        foreach (var port in old.Ports)
        {
            foreach (var frontend in old.LoadBalancerAddresses.Prepend(old.ClusterIp))
            {
                var stillThere = keep is not null && keep.LoadBalancerAddresses.Prepend(keep.ClusterIp).Contains(frontend)
                    && keep.Ports.Any(p => p.Port == port.Port && p.Protocol == port.Protocol);
                if (!stillThere)
                {
                    _loadBalancer?.RemoveFrontend(frontend, port.Port, port.Protocol);
                }
            }
        }
    }

    /// <summary>The reverse-NAT id of a LoadBalancer frontend: its service's id with the top bit set, so it never clobbers the ClusterIP's.</summary>
    private static int LoadBalancerFrontendId(int serviceId) => 0x8000 | serviceId;

    /// <summary>A frontend's current backends as the LB maps hold them, read under the gate (the relay runs on its own).</summary>
    private async Task<IReadOnlyList<ServiceBackend>> LoadBalancerBackendsAsync(IPAddress ip, int port)
    {
        await _gate.WaitAsync();
        try
        {
            return _loadBalancer?.Entries.FirstOrDefault(e => e.Frontend.Equals(ip) && e.Port == port && e.Protocol == "TCP")?.Backends ?? [];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The node answers on every TCP LoadBalancer frontend (Services/LoadBalancerIngress). Caller holds the gate.</summary>
    private async Task SyncLoadBalancerIngressAsync(CancellationToken ct)
    {
        _lbIngress ??= new LoadBalancerIngress(Names.NodeNetns, LoadBalancerBackendsAsync);
        var wanted = _services.Values.Where(s => !s.IsL7LoadBalancer)
            .SelectMany(s => s.LoadBalancerAddresses.SelectMany(ip => s.Ports.Where(p => p.Protocol == "TCP").Select(p => (ip, p.Port))))
            .ToHashSet();
        await _lbIngress.SyncAsync(wanted, ct);
    }

    /// <summary>Recomputes every service's backends from ready pods and rewrites the pods' hosts files. Caller holds the gate.</summary>
    private void RefreshServicesAndFiles()
    {
        var ready = Pods.Where(p => p.Ready).ToList();
        var exports = new Dictionary<string, IReadOnlyList<MeshBackend>>(StringComparer.Ordinal);
        foreach (var s in _services.Values)
        {
            var members = s.Selector.Count == 0
                ? []
                : ready.Where(p => p.Spec.Namespace == s.Namespace && s.Selector.All(kv => p.Spec.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)).ToList();
            var exported = new List<MeshBackend>();
            foreach (var port in s.Ports)
            {
                var local = new List<ServiceBackend>();
                foreach (var p in members)
                {
                    if (TargetPort(p, port) is { } target)
                    {
                        local.Add(new ServiceBackend(p.Ip, target, port.Protocol, p.Spec.Key));
                        exported.Add(new MeshBackend(ClusterName, p.Spec.Key, p.Ip, port.Port, target, port.Protocol));
                    }
                }
                // A global service also balances to the same-named global services' backends in the other clusters.
                var backends = s.Global is { } global ? global.Merge(local, RemoteBackends(s.Key, port)) : local;

                _loadBalancer!.SetFrontend(new ServiceEntry(_serviceIds[s.Key], s.Key, s.ClusterIp, port.Port, port.Protocol, backends));
                foreach (var lbIp in s.IsL7LoadBalancer ? [] : s.LoadBalancerAddresses)
                {
                    // Pods reach a LoadBalancer address through the socket LB too, as with Cilium's socket LB.
                    _loadBalancer.SetFrontend(new ServiceEntry(LoadBalancerFrontendId(_serviceIds[s.Key]), s.Key, lbIp, port.Port, port.Protocol, backends));
                }
            }
            if (s.Global is { Shared: true })
            {
                exports[s.Key] = exported;
            }
        }
        PublishGlobalServices(exports);

        var names = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        foreach (var s in _services.Values)
        {
            names[$"{s.Name}.{s.Namespace}.svc.{LabFiles.ClusterDomain}"] = s.ClusterIp;
        }

        // default/kubernetes is not a stored Service (the lab's objects stay the lab's), but its name answers as in a real cluster.
        names[$"kubernetes.default.svc.{LabFiles.ClusterDomain}"] = KubernetesServiceIp;

        // Cilium's Helm chart adds the headless Service kube-system/hubble-metrics, whose address is the node's.
        names[$"{HubbleMetricCatalog.ServiceName}.kube-system.svc.{LabFiles.ClusterDomain}"] = Addressing.NodeIp;
        foreach (var p in Pods)
        {
            names[$"{p.Ip.ToString().Replace('.', '-')}.{p.Spec.Namespace}.pod.{LabFiles.ClusterDomain}"] = p.Ip;
        }

        _dns?.SetRecords(names);
        foreach (var p in Pods)
        {
            LabFiles.WritePod(Names.RunDirectory, p, _services.Values, Addressing.NodeIp);
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
