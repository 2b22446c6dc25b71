using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Flows.Metrics;
using LabSite.Clusters.Netns.Gc;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Runtime;
using LabSite.Clusters.Netns.RuntimeSecurity;
using LabSite.Clusters.Netns.RuntimeSecurity.Policy;
using LabSite.Clusters.Netns.Services;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Clusters.Netns;

/// <summary>
/// One live lab on network namespaces: its node, pods, services (socket-LB) and generated files.
/// Every change runs under one lab lock (<see cref="_gate"/>), so pods, services and maps never
/// disagree; reads take the lock too and return snapshots.
/// </summary>
public sealed partial class NetnsCluster
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly NetnsOptions _options;
    private readonly LabNetwork _network;
    private readonly Exec.ExecUidLease _uidLease;
    private readonly Dictionary<string, PodRuntime> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceSpec> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _serviceIds = new(StringComparer.Ordinal);
    private ServiceLoadBalancer? _loadBalancer;
    private LabPolicyAgent? _policy;
    private Ingress.IngressAgent? _ingress;

    /// <summary>The lab's ingress listeners and routing table; null before the lab is created or after it is destroyed.</summary>
    internal Ingress.IngressAgent? IngressRouting => _ingress;

    /// <summary>Brings the ingress listeners and routes to the store's current objects now (benchmarks, tests).</summary>
    public Task ReconcileIngressAsync(CancellationToken ct) => _ingress?.ReconcileAsync(ct) ?? Task.CompletedTask;
    private RuntimeReconciler? _reconciler;
    private ClusterDns? _dns;
    private Outside.OutsideWorld? _outside;
    private HubbleMetricsServer? _metricsServer;
    private int _nextPodNumber;
    private int _nextServiceId = 1;
    private int _nextServiceIp = 9; // .0.1 .. .0.9 stay free for "kubernetes" / "kube-dns"-like services.
    private bool _destroyed;

    private readonly int[] _nextHostOnNode;

    private NetnsCluster(NetnsOptions options, string name, string? labId, int slot, int nodes = 1, MeshCluster? meshIdentity = null)
    {
        this._options = options;
        Name = name;
        ClusterName = meshIdentity?.Name ?? Identity.IdentityLabels.DefaultCluster;
        ClusterId = meshIdentity?.Id ?? 0;
        LabId = labId;
        Names = new LabNames(options, name);
        Addressing = new LabAddressing(slot);
        _network = new LabNetwork(Names, Addressing);
        Nodes = LabNode.For(name, nodes, Names, Addressing);
        _nextHostOnNode = new int[nodes];
        _uidLease = Exec.ExecUidLease.Acquire(options.ExecUidLockDirectory, options.ExecUidBase, options.ExecUidCount, hint: slot);
        CreatedAt = DateTimeOffset.UtcNow;
        Store = new ObjectStore(new StoreOptions
        {
            ServiceCidr = Addressing.ServiceCidr,
            ReservedClusterIps = [Addressing.KubernetesServiceIp.ToString()], // default/kubernetes (NetnsCluster.InCluster.cs)
            PolicyValidator = new PolicyValidator(() => _runtime?.LsmEnforcement ?? false),
            CiliumAgentPods = options.CiliumAgentPods,
        });
    }

    /// <summary>The lab's Kubernetes-shaped objects; the runtime follows its changes (other parts may subscribe too).</summary>
    public ObjectStore Store { get; }

    public string Name { get; }

    public string Backend => NetnsBackend.BackendName;

    public string? LabId { get; }

    public LabNames Names { get; }

    public LabAddressing Addressing { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The lab's nodes (front matter <c>nodes:</c>); node 0 is the one the lab always had.</summary>
    public IReadOnlyList<LabNode> Nodes { get; }

    /// <summary>The node of that Kubernetes name, or null.</summary>
    public LabNode? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>uid/gid of exec'd programs of this lab, claimed host-wide for the lab's lifetime (<see cref="Exec.ExecUidLease"/>).</summary>
    public int ExecUid => _uidLease.Uid;

    /// <summary>Every netns this lab owns right now (node first); garbage collection spares exactly these.</summary>
    public IReadOnlyList<string> OwnedNamespaces
    {
        get
        {
            lock (_pods)
            {
                // A mesh's tunnel underlay is its first cluster's (ClusterMesh); for the others the name is unused.
                IEnumerable<string> underlay = Nodes.Count > 1 || ClusterId != 0 ? [Names.UnderlayNetns] : [];
                return [.. Nodes.Select(n => n.Netns), .. underlay, .. _pods.Values.Select(p => p.Netns)];
            }
        }
    }

    /// <summary>Creates one cluster; <paramref name="meshIdentity"/> is its <c>cluster.name</c>/<c>cluster.id</c> in a mesh (the backend joins the mesh after).</summary>
    internal static async Task<NetnsCluster> CreateAsync(NetnsOptions options, ClusterRequest request, int slot, RuntimeHub runtime, IProgress<ClusterProgress>? progress, CancellationToken ct, MeshCluster? meshIdentity = null)
    {
        if (request.Nodes is < 1 or > ClusterRequest.MaxNodes)
        {
            throw new ClusterException($"create {request.Name}: nodes must be 1 to {ClusterRequest.MaxNodes}, not {request.Nodes}");
        }
        var c = new NetnsCluster(options, request.Name, request.LabId, slot, request.Nodes, meshIdentity);
        const int steps = 5;
        try
        {
            progress?.Report(new ClusterProgress("directories", $"bpffs {c.Names.BpffsDirectory}, cgroup {c.Names.CgroupDirectory}", 1, steps));
            Directory.CreateDirectory(c.Names.BpffsDirectory);
            Directory.CreateDirectory(c.Names.CgroupDirectory);
            Directory.CreateDirectory(c.Names.RunDirectory);
            LabFiles.WriteShared(c.Names.RunDirectory, c.ExecUid);

            progress?.Report(new ClusterProgress("namespaces", $"node namespaces {string.Join(", ", c.Nodes.Select(n => n.Netns))}", 2, steps));
            await c._network.CreateNodeAsync(ct);
            foreach (var worker in c.Nodes.Skip(1))
            {
                await LabNetwork.CreateNodeAsync(worker.Netns, worker.NodeIp, [], ct);
            }
            if (c.Nodes.Count > 1)
            {
                await LabOverlay.CreateAsync(c.Names.UnderlayNetns, c.Nodes, ct);
            }

            progress?.Report(new ClusterProgress("datapath", "socket load balancer (bpf_sock) attached to the lab cgroup", 3, steps));
            var objectDir = options.BpfObjectDirectory is { Length: > 0 } d ? d : Bpf.BpfObject.DefaultDirectory;
            c._loadBalancer = new ServiceLoadBalancer(Path.Combine(objectDir, "bpf_sock.bpf.o"), c.Names.BpffsDirectory, c.Names.CgroupDirectory);

            c._dns = await ClusterDns.StartAsync(c.Names.NodeNetns, c.Addressing.NodeIp);
            LabFiles.WriteNode(c.Names.RunDirectory, c.Addressing.NodeIp);
            c.RefreshServicesAndFiles(); // kubernetes.default.svc answers before any Service exists
            // Policy datapath (bpf_lxc) before any pod, so every pod is enforced from its first packet.
            c._policy = new LabPolicyAgent(
                c.Names.BpffsDirectory, LabNames.NetnsPath(c.Names.NodeNetns), "labsite/" + request.Name,
                [c.Addressing.NodeIp, LabAddressing.Gateway], c.Store, Path.Combine(objectDir, "bpf_lxc.bpf.o"),
                clusterName: c.ClusterName, clusterId: c.ClusterId);

            await c._policy.AddNodesAsync(c.Nodes, c.Nodes.Count > 1 ? IPNetwork.Parse(c.Addressing.UnderlayCidr) : null, ct);
            await c._policy.StartMutualAuthAsync(c.Name, c.Nodes, options.MutualAuthCertificateLifetime);
            c.Store.RegisterNodes(c.Nodes.Select(n => new LabNodeSpec(n.Name, n.PodCidr, n.NodeIp.ToString(), ControlPlane: n.Index == 0)));

            c._metricsServer = await HubbleMetricsServer.StartAsync(c.Names.NodeNetns, c.Addressing.NodeIp, c._policy.Metrics);
            c._dns.Proxy = c._policy.StartDnsProxy(c.Addressing.NodeIp, TimeProvider.System, (uint)options.FqdnMinTtl);
            var outside = Outside.OutsideHosts.Load(request, slot);
            c._outside = await Outside.OutsideWorld.StartAsync(c.Names.NodeNetns, outside, ct);
            c._dns.SetOutside(outside.Select(h => (h.Name, h.Address, h.Ttl)));

            // Before any pod: the sensor sees a pod's processes from the first one exec'd in the lab cgroup.
            progress?.Report(new ClusterProgress("runtime-security", "exec/exit tracepoints and file hooks scoped to the lab cgroup", 4, steps));
            c._runtime = runtime.Attach(LabNumber(slot), c.Names.CgroupDirectory, c._policy.NodeName, c.PodByNetns, c.RuntimePods);
            c._tracingPolicies = new TracingPolicyAgent(c.Store, c._runtime, () => c._runtime?.LsmEnforcement ?? false);
            c._reconciler = new RuntimeReconciler(c, c.Store);
            c._bgp = new Bgp.BgpAgent(c.Names, c.Store, c._policy.NodeName, c.Addressing.PodCidr);
            c._ipsec = new Encryption.IpsecAgent(c.Store, c.Nodes, TimeProvider.System, c._policy.AttachCryptoAsync);
            c._ingress = new Ingress.IngressAgent(c.Store, c._policy, c.Names.NodeNetns);
            if (request.ManifestsDirectory is { } dir)
            {
                await c.ApplyDirectoryAsync(dir, ct);
            }

            progress?.Report(new ClusterProgress("ready", $"cluster {request.Name} ready (pods {c.Addressing.PodCidr}, services {c.Addressing.ServiceCidr})", 5, steps));
            return c;
        }
        catch (Exception e)
        {
            await c.DestroyAsync(CancellationToken.None);
            throw e as ClusterException ?? new ClusterException($"create {request.Name}: {e.Message}", e);
        }
    }

    /// <summary>Stops everything and removes every kernel object and file of the lab. Idempotent.</summary>
    internal async Task DestroyAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _destroyed = true;
            _gate.Release();
            try
            {
                // The reconciler's loop may be waiting for this gate; stop it outside the gate.
                if (_reconciler is not null)
                {
                    await _reconciler.DisposeAsync();
                }
            }
            finally
            {
                await _gate.WaitAsync(CancellationToken.None);
            }

            if (_bgp is not null)
            {
                await _bgp.DisposeAsync();
                _bgp = null;
            }
            if (_ipsec is not null)
            {
                await _ipsec.DisposeAsync();
                _ipsec = null;
            }
            if (_ingress is not null)
            {
                await _ingress.DisposeAsync();
                _ingress = null;
            }

            ReleaseLearnerBpf();
            var all = Pods;
            await Task.WhenAll(all.Select(p => p.StopAsync()));
            lock (_pods)
            {
                _pods.Clear();
            }

            if (_lbIngress is not null)
            {
                await _lbIngress.DisposeAsync();
                _lbIngress = null;
            }
            _loadBalancer?.Dispose();
            _loadBalancer = null;
            if (_metricsServer is not null)
            {
                await _metricsServer.DisposeAsync();
                _metricsServer = null;
            }

            if (_dns is not null)
            {
                _dns.Proxy = null;
            }
            _policy?.Dispose();
            _policy = null;
            if (_outside is not null)
            {
                await _outside.DisposeAsync();
                _outside = null;
            }

            // Out of the sensor's scope while the cgroup still exists (its id is read from the directory).
            _tracingPolicies?.Dispose();
            _tracingPolicies = null;
            _runtime?.Dispose();
            _runtime = null;
            if (_dns is not null)
            {
                await _dns.DisposeAsync();
                _dns = null;
            }

            await LabCleanup.RemoveAsync(Names, [.. Nodes.Select(n => n.Netns), Names.UnderlayNetns, .. all.Select(p => p.Netns)], ct);

            // Last: every program of the lab has stopped, so the next lab given this uid starts with none of them.
            _uidLease.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The lab's number in the runtime sensor's scope map (0 means "not scoped" there).</summary>
    private static uint LabNumber(int slot) => (uint)slot + 1;

    private void ThrowIfDestroyed()
    {
        if (_destroyed)
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
