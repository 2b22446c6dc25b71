using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Flows.Metrics;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Proxy.Listener;
using LabSite.Clusters.Netns.Proxy.Rules;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// Policy for one netns lab, as cilium-agent does it for a node: follows the object store (policies,
/// namespace labels) and the runtime (pods added, relabelled, removed), recompiles what changed, programs the
/// datapath maps, and pumps datapath events into the lab's flow ring. Inspection reads (endpoints, identities,
/// policy maps, conntrack, ipcache) are in <c>LabPolicyAgent.Inspect.cs</c>.
/// All mutations take one lock; store callbacks and cluster calls may come from different threads.
/// </summary>
public sealed partial class LabPolicyAgent : IDisposable
{
    private readonly Lock _lock = new();
    private readonly string _nodeNetnsPath;
    private readonly ObjectStore _store;
    private readonly IdentityAllocator _identities;
    private readonly PolicyEngine _engine;
    private readonly PolicyDatapath _datapath;
    private readonly LabEndpointLookup _lookup;
    private readonly FlowPump _pump;
    private readonly NodeFlowSinks _l7Sinks;
    private readonly IDisposable _subscription;
    private readonly Dictionary<EndpointId, PodEndpoint> _pods = [];
    private readonly HashSet<IPNetwork> _cidrPrefixes = [];
    private readonly L7PolicyTable _l7Rules = new();
    private readonly NetworkNamespaceThread _nodeThread;
    private readonly L7Proxy _proxy;
    private readonly L7Proxy _egressProxy;
    private readonly HashSet<IPAddress> _hostAddresses;
    private volatile IReadOnlyDictionary<IPAddress, NumericIdentity> _podIdentities = new Dictionary<IPAddress, NumericIdentity>();

    private sealed record PodEndpoint(EndpointId Id, string Namespace, string Name, IPAddress Ip, int IfIndex)
    {
        public IReadOnlyList<ContainerPort> Ports { get; set; } = [];

        /// <summary>The underlay address of the pod's node in a multi-node lab (the ipcache's tunnel endpoint).</summary>
        public IPAddress? TunnelEndpoint { get; init; }
    }

    public LabPolicyAgent(
        string pinDirectory, string nodeNetnsPath, string nodeName, IEnumerable<IPAddress> hostAddresses, ObjectStore store, string? objectPath = null,
        ushort l7ProxyPort = PolicyEngine.DefaultL7ProxyPort, ushort l7EgressProxyPort = PolicyEngine.DefaultL7EgressProxyPort,
        string clusterName = IdentityLabels.DefaultCluster, int clusterId = 0)
    {
        _nodeNetnsPath = nodeNetnsPath;
        ClusterName = clusterName;
        ClusterId = clusterId;
        _identities = new IdentityAllocator(clusterId);
        _store = store;
        Flows = new FlowRing { Observer = Metrics.Process };
        NodeName = nodeName;
        _hostAddresses = [.. hostAddresses];
        _engine = new PolicyEngine(_identities, cluster: clusterName, l7ProxyPort: l7ProxyPort, l7EgressProxyPort: l7EgressProxyPort, defaultLocalCluster: clusterId != 0);
        _datapath = new PolicyDatapath(pinDirectory, objectPath);
        _lookup = new LabEndpointLookup(nodeName, _engine);
        _l7Sinks = new NodeFlowSinks(_lookup, Flows);
        // Everything unknown is world; the node's own addresses (incl. the pods' gateway) are the host.
        _datapath.UpsertIpcache(IPNetwork.Parse("0.0.0.0/0"), NumericIdentity.World.Value);
        foreach (var a in _hostAddresses)
        {
            _datapath.UpsertIpcache(new IPNetwork(a, 32), NumericIdentity.Host.Value);
        }
        _pump = new FlowPump(_datapath.EventsPinPath, new FlowDecoder(_lookup, new MonotonicClock()), Flows);
        // The lab's L7 proxy listens in the node namespace, where bpf_lxc's redirect (bpf/lib/proxy.h) finds it:
        // one listener per direction, as the policy map entries name one port per direction. Workers get their own
        // (AddNodesAsync), since a redirect finds only a listener of its own node.
        _nodeThread = new NetworkNamespaceThread(nodeNetnsPath);
        (_proxy, _egressProxy) = StartProxies(_nodeThread, nodeName);
        _subscription = store.Subscribe(OnStoreChange);
    }

    /// <summary>The ingress and egress L7 listeners of one node, created in its namespace; flows carry <paramref name="nodeName"/>.</summary>
    private (L7Proxy Ingress, L7Proxy Egress) StartProxies(NetworkNamespaceThread node, string nodeName)
    {
        var sink = _l7Sinks.For(nodeName);
        var options = new L7ProxyOptions { IdentityOf = IdentityOf, NodeName = nodeName };
        var ingress = L7Proxy.StartInNamespace(node, _engine.L7ProxyPort, options with { Direction = Contract.Flows.TrafficDirection.INGRESS }, _l7Rules, sink);
        var egress = L7Proxy.StartInNamespace(node, _engine.L7EgressProxyPort, options with
        {
            Direction = Contract.Flows.TrafficDirection.EGRESS,
            ChainedIngressProxyPort = _engine.L7ProxyPort,
        }, _l7Rules, sink);
        return (ingress, egress);
    }

    /// <summary>The ipcache as the proxy needs it: pods by address, the node's addresses as host, CIDR identities, else world.</summary>
    private NumericIdentity IdentityOf(IPAddress ip)
    {
        if (_podIdentities.TryGetValue(ip, out var id))
        {
            return id;
        }
        if (_remoteEndpoints.TryGetValue(ip, out var remote))
        {
            return remote.Identity;
        }
        if (_hostAddresses.Contains(ip))
        {
            return NumericIdentity.Host;
        }
        return _engine.CidrIdentities()
            .Where(kv => kv.Key.Contains(ip))
            .OrderByDescending(kv => kv.Key.PrefixLength)
            .Select(kv => kv.Value)
            .FirstOrDefault(NumericIdentity.World);
    }

    public string NodeName { get; }

    /// <summary>The loaded policy datapath object (bpf_lxc), whose programs and maps belong to this lab.</summary>
    internal Bpf.BpfObject DatapathObject => _datapath.Object;

    /// <summary>The lab's Hubble ring (4095 flows); every flow written is also counted in <see cref="Metrics"/>.</summary>
    public FlowRing Flows { get; }

    /// <summary>The lab's Hubble metrics, counted from the flows as they are written.</summary>
    public HubbleMetrics Metrics { get; } = new();

    public FlowPump Pump => _pump;

    /// <summary>Attaches the datapath to new pods' veths and compiles their policy. Call before their workloads start.</summary>
    public async Task AddPodsAsync(IReadOnlyList<PodRuntime> pods, CancellationToken ct)
    {
        if (pods.Count == 0)
        {
            return;
        }
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        // Each pod's veth is in its node's namespace (one namespace unless the lab has several nodes).
        foreach (var onNode in pods.GroupBy(p => NodeNetnsPath(p)))
        {
            var found = await IfIndexesAsync(onNode.Key, onNode.Select(p => p.NodeVeth).ToList(), ct);
            foreach (var (veth, index) in found)
            {
                indexes[veth] = index;
            }
            await NetnsThread.RunAsync(onNode.Key, () =>
            {
                foreach (var p in onNode)
                {
                    _datapath.Attach(found[p.NodeVeth]);
                }
            });
        }
        lock (_lock)
        {
            foreach (var p in pods)
            {
                var ep = new PodEndpoint(IdOf(p), p.Spec.Namespace, p.Spec.Name, p.Ip, indexes[p.NodeVeth])
                {
                    Ports = p.Spec.Containers.SelectMany(c => c.DeclaredPorts).ToList(),
                    TunnelEndpoint = p.Node.Underlay,
                };
                _pods[ep.Id] = ep;
                _lookup.PlaceOnNode(ep.Id.Value, p.Node.Index == 0 ? null : p.Node.HubbleName);
                UpsertEndpoint(ep, p.Spec.Labels);
            }
        }
    }

    private string NodeNetnsPath(PodRuntime p) => p.Node.Netns is { Length: > 0 } netns ? LabNames.NetnsPath(netns) : _nodeNetnsPath;

    /// <summary>A pod's labels changed: new identity, and every endpoint whose policy depends on it recompiles.</summary>
    public void UpdatePod(PodRuntime pod)
    {
        lock (_lock)
        {
            if (_pods.TryGetValue(IdOf(pod), out var ep))
            {
                ep.Ports = pod.Spec.Containers.SelectMany(c => c.DeclaredPorts).ToList();
                UpsertEndpoint(ep, pod.Spec.Labels);
            }
        }
    }

    /// <summary>Forgets a pod (its veth goes away with its namespace).</summary>
    public void RemovePod(PodRuntime pod)
    {
        lock (_lock)
        {
            var id = IdOf(pod);
            if (!_pods.Remove(id, out var ep))
            {
                return;
            }
            _lookup.Unregister(ep.Ip);
            _lookup.PlaceOnNode(id.Value, null);
            _datapath.RemoveEndpoint(id.Value, ep.Ip);
            Program(_engine.Delete(id));
            ForgetFqdns(id);
        }
    }

    /// <summary>Endpoint ids: the pod's per-lab number + 1 (Cilium numbers endpoints per node; 0 is never used).</summary>
    private static EndpointId IdOf(PodRuntime p) => new((ushort)(p.Number + 1));

    private void UpsertEndpoint(PodEndpoint ep, IReadOnlyDictionary<string, string> podLabels)
    {
        var nsLabels = _store.Find(ResourceKinds.Namespace, null, ep.Namespace)?.Labels;
        var serviceAccount = (string?)_store.Find(ResourceKinds.Pod, ep.Namespace, ep.Name)?.Json["spec"]?["serviceAccountName"] ?? "default";
        var labels = IdentityLabels.ForPod(ep.Namespace, podLabels, serviceAccount, nsLabels?.Where(kv => kv.Key != "kubernetes.io/metadata.name").ToDictionary(), ClusterName);
        var named = ep.Ports.Where(p => p.Name is { Length: > 0 })
            .Select(p => new NamedPort(p.Name!, (ushort)p.Port, Enum.TryParse<L4Protocol>(p.Protocol, true, out var proto) ? proto : L4Protocol.TCP))
            .ToList();
        _lookup.Register(ep.Ip, new EndpointView(ep.Id.Value, ep.Namespace, ep.Name, labels.Labels.Select(l => l.ToString()).ToList(), [], MeshClusterName));
        Program(_engine.Upsert(new EndpointInfo(ep.Id, ep.Namespace, ep.Name, labels, named, ep.Ip)));
    }

    /// <summary>The last failure while following the store (the store keeps the change; this says why policy lags).</summary>
    public string? LastError { get; private set; }

    private void OnStoreChange(ObjectChange change)
    {
        try
        {
            FollowStore(change);
        }
        catch (Exception e) when (e is PolicyValidationException or Bpf.BpfException or ClusterException)
        {
            LastError = $"{change}: {e.Message}";
        }
    }

    private void FollowStore(ObjectChange change)
    {
        lock (_lock)
        {
            if (PolicyKinds.IsPolicy(change.Kind.Kind))
            {
                if (change.Type == ChangeType.Deleted)
                {
                    var ns = change.Kind.Namespaced ? change.Object.Namespace ?? "default" : null;
                    Program(_engine.Delete(change.Kind.Kind, ns, change.Object.Name));
                }
                else
                {
                    // The store validated it with PolicyValidator, so parsing succeeds here.
                    Program(_engine.Upsert(PolicyParser.Parse(change.Object)));
                }
            }
            else if (change.Kind == ResourceKinds.Namespace && change.Type == ChangeType.Modified)
            {
                // Namespace labels are part of every pod identity in it.
                foreach (var ep in _pods.Values.Where(p => p.Namespace == change.Object.Name).ToList())
                {
                    var pod = _store.Find(ResourceKinds.Pod, ep.Namespace, ep.Name);
                    UpsertEndpoint(ep, pod?.Labels ?? new Dictionary<string, string>());
                }
            }
        }
    }

    /// <summary>Writes changed endpoint policies to the maps and keeps the ipcache's CIDR entries in step. Caller holds the lock.</summary>
    private void Program(IReadOnlyList<EndpointPolicy> changed)
    {
        var cidrs = _engine.CidrIdentities();
        foreach (var (prefix, id) in cidrs)
        {
            if (!IsClusterAddress(prefix))
            {
                _datapath.UpsertIpcache(prefix, id.Value);
            }
        }
        foreach (var stale in _cidrPrefixes.Where(p => !cidrs.ContainsKey(p)).ToList())
        {
            if (!IsClusterAddress(stale))
            {
                _datapath.RemoveIpcache(stale);
            }
            _cidrPrefixes.Remove(stale);
        }
        _cidrPrefixes.UnionWith(cidrs.Keys);
        foreach (var p in changed)
        {
            if (!_pods.TryGetValue(p.Endpoint, out var ep))
            {
                continue;
            }
            // Policy first, then the endpoint entry that points at it (and carries the new identity).
            _datapath.SetPolicy(p.Endpoint.Value, p.Entries);
            _datapath.UpsertEndpoint(p.Endpoint.Value, ep.Ip, ep.IfIndex, p.Identity.Value, p.IngressEnforced, p.EgressEnforced, ep.TunnelEndpoint);
        }
        _podIdentities = _pods.Values
            .Select(ep => (ep.Ip, Policy: _engine.PolicyOf(ep.Id)))
            .Where(x => x.Policy is not null)
            .ToDictionary(x => x.Ip, x => x.Policy!.Identity);
        _l7Rules.ReplaceAll(_engine.L7Policies());
        EndpointsChanged?.Invoke();
    }

    /// <summary>
    /// A host prefix (/32) that is a pod's or the node's address, or a prefix the tunnel reaches (a node's pod range).
    /// Its ipcache entry keeps the pod's (or host's, or the tunnel's)
    /// identity even when a policy names the prefix: CIDR selectors do not match in-cluster entities
    /// (Cilium's default, policy-cidr-match-mode unset), so a toCIDR/ipBlock naming a pod's /32 selects nothing
    /// there, as a wider prefix covering pods does (docs/formats.md, "CIDR rules and cluster pods").
    /// </summary>
    private bool IsClusterAddress(IPNetwork prefix) => _tunnelPrefixes.Contains(prefix) ||
        prefix.PrefixLength == (prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        && (_hostAddresses.Contains(prefix.BaseAddress) || _remoteNodeAddresses.Contains(prefix.BaseAddress) || _pods.Values.Any(p => p.Ip.Equals(prefix.BaseAddress))
            || _remoteEndpoints.ContainsKey(prefix.BaseAddress));

    private static async Task<Dictionary<string, int>> IfIndexesAsync(string netnsPath, IReadOnlyList<string> devices, CancellationToken ct)
    {
        var netns = Path.GetFileName(netnsPath);
        var json = await CommandRunner.RunCheckedAsync("read ifindexes", "ip", ["-n", netns, "-j", "link", "show"], null, ct);
        var all = JsonNode.Parse(json)!.AsArray().ToDictionary(l => (string)l!["ifname"]!, l => (int)l!["ifindex"]!);
        return devices.ToDictionary(d => d, d => all.TryGetValue(d, out var i) ? i : throw new ClusterException($"policy: veth {d} not found in {netns}"));
    }

    private bool _disposed;

    public void Dispose()
    {
        _fqdnExpiry?.Dispose();
        lock (_lock)
        {
            _disposed = true;
        }
        _subscription.Dispose();
        _proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _egressProxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _nodeThread.Dispose();
        foreach (var (thread, ingress, egress) in _workerProxies)
        {
            ingress.DisposeAsync().AsTask().GetAwaiter().GetResult();
            egress.DisposeAsync().AsTask().GetAwaiter().GetResult();
            thread.Dispose();
        }
        _pump.Dispose();
        MutualAuth?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _datapath.Dispose();
    }
}
