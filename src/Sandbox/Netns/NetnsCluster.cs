namespace LabSite.Sandbox.Netns;

using System.Net;
using LabSite.Sandbox.Netns.Datapath;
using LabSite.Sandbox.Netns.Dns;
using LabSite.Sandbox.Netns.Exec;
using LabSite.Sandbox.Netns.Gc;
using LabSite.Sandbox.Netns.Kernel;
using LabSite.Sandbox.Netns.Pods;
using LabSite.Sandbox.Netns.Policy.Api;
using LabSite.Sandbox.Netns.Runtime;
using LabSite.Sandbox.Netns.Services;
using LabSite.Sandbox.Netns.Store;

/// <summary>
/// One live lab on network namespaces: its node, pods, services (socket-LB) and generated files.
/// Every change runs under one lab lock (<see cref="gate"/>), so pods, services and maps never
/// disagree; reads take the lock too and return snapshots.
/// </summary>
public sealed partial class NetnsCluster
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly NetnsOptions options;
    private readonly LabNetwork network;
    private readonly Dictionary<string, PodRuntime> pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceSpec> services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> serviceIds = new(StringComparer.Ordinal);
    private ServiceLoadBalancer? loadBalancer;
    private LabPolicyAgent? policy;
    private StoreBridge? bridge;
    private int nextPodNumber;
    private int nextServiceId = 1;
    private int nextServiceIp = 9; // .0.1 .. .0.9 stay free for "kubernetes" / "kube-dns"-like services.
    private bool destroyed;

    private NetnsCluster(NetnsOptions options, string name, string? labId, int slot)
    {
        this.options = options;
        Name = name;
        LabId = labId;
        Names = new LabNames(options, name);
        Addressing = new LabAddressing(slot);
        network = new LabNetwork(Names, Addressing);
        CreatedAt = DateTimeOffset.UtcNow;
        Store = new ObjectStore(new StoreOptions { ServiceCidr = Addressing.ServiceCidr, PolicyValidator = new PolicyValidator() });
    }

    /// <summary>The lab's Kubernetes-shaped objects; the runtime follows its changes (other parts may subscribe too).</summary>
    public ObjectStore Store { get; }

    public string Name { get; }

    public string Backend => NetnsBackend.BackendName;

    public string? LabId { get; }

    public LabNames Names { get; }

    public LabAddressing Addressing { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>uid/gid of exec'd programs of this lab.</summary>
    public int ExecUid => options.ExecUidBase + Addressing.Slot;

    /// <summary>Every netns this lab owns right now (node first); garbage collection spares exactly these.</summary>
    public IReadOnlyList<string> OwnedNamespaces
    {
        get
        {
            lock (pods)
            {
                return [Names.NodeNetns, .. pods.Values.Select(p => p.Netns)];
            }
        }
    }

    internal static async Task<NetnsCluster> CreateAsync(NetnsOptions options, ClusterRequest request, int slot, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        var c = new NetnsCluster(options, request.Name, request.LabId, slot);
        const int steps = 4;
        try
        {
            progress?.Report(new ClusterProgress("directories", $"bpffs {c.Names.BpffsDirectory}, cgroup {c.Names.CgroupDirectory}", 1, steps));
            Directory.CreateDirectory(c.Names.BpffsDirectory);
            Directory.CreateDirectory(c.Names.CgroupDirectory);
            Directory.CreateDirectory(c.Names.RunDirectory);
            LabFiles.WriteShared(c.Names.RunDirectory, c.ExecUid);

            progress?.Report(new ClusterProgress("namespaces", $"node namespace {c.Names.NodeNetns}", 2, steps));
            await c.network.CreateNodeAsync(ct);

            progress?.Report(new ClusterProgress("datapath", "socket load balancer (bpf_sock) attached to the lab cgroup", 3, steps));
            var objectDir = options.BpfObjectDirectory is { Length: > 0 } d ? d : Bpf.BpfObject.DefaultDirectory;
            c.loadBalancer = new ServiceLoadBalancer(Path.Combine(objectDir, "bpf_sock.bpf.o"), c.Names.BpffsDirectory, c.Names.CgroupDirectory);

            // Policy datapath (bpf_lxc) before any pod, so every pod is enforced from its first packet.
            c.policy = new LabPolicyAgent(
                c.Names.BpffsDirectory, LabNames.NetnsPath(c.Names.NodeNetns), "labsite/" + request.Name,
                [c.Addressing.NodeIp, LabAddressing.Gateway], c.Store, Path.Combine(objectDir, "bpf_lxc.bpf.o"));

            c.bridge = new StoreBridge(c, c.Store);
            if (request.ManifestsDirectory is { } dir)
            {
                await c.ApplyDirectoryAsync(dir, ct);
            }

            progress?.Report(new ClusterProgress("ready", $"cluster {request.Name} ready (pods {c.Addressing.PodCidr}, services {c.Addressing.ServiceCidr})", 4, steps));
            return c;
        }
        catch (Exception e)
        {
            await c.DestroyAsync(CancellationToken.None);
            throw e as ClusterException ?? new ClusterException($"create {request.Name}: {e.Message}", e);
        }
    }

    /// <summary>Starts pods (all network plumbing batched), then refreshes services and files. Returns their statuses.</summary>
    public async Task<IReadOnlyList<PodRuntimeStatus>> RunPodsAsync(IReadOnlyList<PodSpec> specs, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            ThrowIfDestroyed();
            var fresh = new List<PodRuntime>();
            foreach (var spec in specs)
            {
                if (pods.ContainsKey(spec.Key) || fresh.Any(f => f.Spec.Key == spec.Key))
                {
                    throw new ClusterException($"pod {spec.Key} already exists in cluster {Name}");
                }

                var n = nextPodNumber++;
                fresh.Add(new PodRuntime(spec, n, Names.PodNetns(n), LabNames.NodeVeth(spec.Namespace, spec.Name, n), Addressing.PodIp(n), Addressing.NodeIp));
            }

            await network.AddPodsAsync(fresh.Select(p => new LabNetwork.PodLink(p.Netns, p.NodeVeth, p.Ip, $"labsite:{Name}/{p.Spec.Namespace}/{p.Spec.Name}")).ToList(), ct);
            if (policy is not null)
            {
                await policy.AddPodsAsync(fresh, ct);
            }
            lock (pods)
            {
                foreach (var p in fresh)
                {
                    pods[p.Spec.Key] = p;
                }
            }

            await Task.WhenAll(fresh.Select(p => p.StartAsync()));
            RefreshServicesAndFiles();
            return fresh.Select(p => p.Status).ToList();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops a pod and removes its namespace and veth; false when there is no such pod.</summary>
    public async Task<bool> DeletePodAsync(string @namespace, string name, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            PodRuntime? pod;
            lock (pods)
            {
                if (!pods.Remove($"{@namespace}/{name}", out pod))
                {
                    return false;
                }
            }

            // Take it out of service first, so no new connection is balanced to a pod going away.
            RefreshServicesAndFiles();
            await pod.StopAsync();
            policy?.RemovePod(pod);
            await LabNetwork.DeleteNamespacesAsync([pod.Netns], ct);
            TryDeleteDirectory(LabFiles.PodDirectory(Names.RunDirectory, pod.Number));
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

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

    /// <summary>Snapshot of the running pods.</summary>
    public IReadOnlyList<PodRuntime> Pods
    {
        get
        {
            lock (pods)
            {
                return pods.Values.OrderBy(p => p.Number).ToList();
            }
        }
    }

    public PodRuntime? FindPod(string @namespace, string name)
    {
        lock (pods)
        {
            return pods.GetValueOrDefault($"{@namespace}/{name}");
        }
    }

    /// <summary>Service frontends and their backends as the LB maps hold them (for <c>cilium-dbg service list</c>).</summary>
    public IReadOnlyList<ServiceEntry> ServiceEntries => loadBalancer?.Entries ?? [];

    /// <summary>The raw maps read back from the kernel (for <c>cilium-dbg bpf lb list</c>).</summary>
    internal ServiceLoadBalancer? LoadBalancer => loadBalancer;

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

    /// <summary>Runs an allowed program in a pod, sandboxed; returns its exit code.</summary>
    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        var pod = FindPod(request.Namespace, request.Pod)
            ?? throw new ClusterException($"Error from server (NotFound): pods \"{request.Pod}\" not found in namespace \"{request.Namespace}\"");
        if (ExecValidation.Check(request.Command) is { } error)
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
            MemoryBytes: (long)options.ExecMemoryMiB * 1024 * 1024,
            MaxProcesses: options.ExecMaxProcesses,
            CpuSeconds: options.ExecTimeoutSeconds);
        var argv = SandboxCommand.Build(settings, ExecAllowList.Resolve(request.Command[0])!, request.Command.Skip(1).ToList());
        var limit = TimeSpan.FromSeconds(options.ExecTimeoutSeconds);
        var timeout = request.Timeout is { } t && t > TimeSpan.Zero && t < limit ? t : limit;
        return await PodExecutor.RunAsync(argv, streams, timeout, ct);
    }

    public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, string? container = null)
    {
        var p = FindPod(@namespace, pod)
            ?? throw new ClusterException($"Error from server (NotFound): pods \"{pod}\" not found in namespace \"{@namespace}\"");
        var lines = p.Log.Read(container, tailLines);
        return Task.FromResult(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n");
    }

    /// <summary>Stops everything and removes every kernel object and file of the lab. Idempotent.</summary>
    internal async Task DestroyAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            destroyed = true;
            var all = Pods;
            gate.Release();
            try
            {
                // The bridge's loop may be waiting for this gate; stop it outside the gate.
                if (bridge is not null)
                {
                    await bridge.DisposeAsync();
                }
            }
            finally
            {
                await gate.WaitAsync(CancellationToken.None);
            }

            await Task.WhenAll(all.Select(p => p.StopAsync()));
            lock (pods)
            {
                pods.Clear();
            }

            loadBalancer?.Dispose();
            policy?.Dispose();
            policy = null;
            loadBalancer = null;
            await LabCleanup.RemoveAsync(Names, all.Select(p => p.Netns), ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Relabels a pod and re-evaluates which services it backs.</summary>
    public async Task UpdatePodLabelsAsync(string @namespace, string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (FindPod(@namespace, name) is { } pod)
            {
                pod.SetLabels(labels);
                policy?.UpdatePod(pod);
                RefreshServicesAndFiles();
            }
        }
        finally
        {
            gate.Release();
        }
    }

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

    private void ThrowIfDestroyed()
    {
        if (destroyed)
        {
            throw new ClusterException($"cluster {Name} is being destroyed");
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
