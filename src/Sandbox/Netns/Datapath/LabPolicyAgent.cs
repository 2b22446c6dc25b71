namespace LabSite.Sandbox.Netns.Datapath;

using System.Net;
using System.Text.Json.Nodes;
using LabSite.Sandbox.Contract.Flows;
using LabSite.Sandbox.Netns.Flows;
using LabSite.Sandbox.Netns.Identity;
using LabSite.Sandbox.Netns.Kernel;
using LabSite.Sandbox.Netns.Pods;
using LabSite.Sandbox.Netns.Policy.Api;
using LabSite.Sandbox.Netns.Policy.Compile;
using LabSite.Sandbox.Netns.Store;
using LabSite.Sandbox.Netns.Store.Kinds;

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
    private readonly IdentityAllocator _identities = new();
    private readonly PolicyEngine _engine;
    private readonly PolicyDatapath _datapath;
    private readonly LabEndpointLookup _lookup;
    private readonly FlowPump _pump;
    private readonly IDisposable _subscription;
    private readonly Dictionary<EndpointId, PodEndpoint> _pods = [];
    private readonly HashSet<IPNetwork> _cidrPrefixes = [];

    private sealed record PodEndpoint(EndpointId Id, string Namespace, string Name, IPAddress Ip, int IfIndex);

    public LabPolicyAgent(string pinDirectory, string nodeNetnsPath, string nodeName, IEnumerable<IPAddress> hostAddresses, ObjectStore store, string? objectPath = null)
    {
        _nodeNetnsPath = nodeNetnsPath;
        _store = store;
        NodeName = nodeName;
        _engine = new PolicyEngine(_identities);
        _datapath = new PolicyDatapath(pinDirectory, objectPath);
        _lookup = new LabEndpointLookup(nodeName, _engine);
        // Everything unknown is world; the node's own addresses (incl. the pods' gateway) are the host.
        _datapath.UpsertIpcache(IPNetwork.Parse("0.0.0.0/0"), NumericIdentity.World.Value);
        foreach (var a in hostAddresses)
        {
            _datapath.UpsertIpcache(new IPNetwork(a, 32), NumericIdentity.Host.Value);
        }
        _pump = new FlowPump(_datapath.EventsPinPath, new FlowDecoder(_lookup, new MonotonicClock()), Flows);
        _subscription = store.Subscribe(OnStoreChange);
    }

    public string NodeName { get; }

    /// <summary>The lab's Hubble ring (4095 flows).</summary>
    public FlowRing Flows { get; } = new();

    public FlowPump Pump => _pump;

    /// <summary>Attaches the datapath to new pods' veths and compiles their policy. Call before their workloads start.</summary>
    public async Task AddPodsAsync(IReadOnlyList<PodRuntime> pods, CancellationToken ct)
    {
        if (pods.Count == 0)
        {
            return;
        }
        var indexes = await IfIndexesAsync(pods.Select(p => p.NodeVeth).ToList(), ct);
        await NetnsThread.RunAsync(_nodeNetnsPath, () =>
        {
            foreach (var p in pods)
            {
                _datapath.Attach(indexes[p.NodeVeth]);
            }
        });
        lock (_lock)
        {
            foreach (var p in pods)
            {
                var ep = new PodEndpoint(IdOf(p), p.Spec.Namespace, p.Spec.Name, p.Ip, indexes[p.NodeVeth]);
                _pods[ep.Id] = ep;
                UpsertEndpoint(ep, p.Spec.Labels, p.Spec.Containers.SelectMany(c => c.DeclaredPorts));
            }
        }
    }

    /// <summary>A pod's labels changed: new identity, and every endpoint whose policy depends on it recompiles.</summary>
    public void UpdatePod(PodRuntime pod)
    {
        lock (_lock)
        {
            if (_pods.TryGetValue(IdOf(pod), out var ep))
            {
                UpsertEndpoint(ep, pod.Spec.Labels, pod.Spec.Containers.SelectMany(c => c.DeclaredPorts));
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
            _datapath.RemoveEndpoint(id.Value, ep.Ip);
            Program(_engine.Delete(id));
        }
    }

    /// <summary>Endpoint ids: the pod's per-lab number + 1 (Cilium numbers endpoints per node; 0 is never used).</summary>
    private static EndpointId IdOf(PodRuntime p) => new((ushort)(p.Number + 1));

    private void UpsertEndpoint(PodEndpoint ep, IReadOnlyDictionary<string, string> podLabels, IEnumerable<ContainerPort> ports)
    {
        var nsLabels = _store.Find(KindRegistry.Namespace, null, ep.Namespace)?.Labels;
        var serviceAccount = (string?)_store.Find(KindRegistry.Pod, ep.Namespace, ep.Name)?.Json["spec"]?["serviceAccountName"] ?? "default";
        var labels = IdentityLabels.ForPod(ep.Namespace, podLabels, serviceAccount, nsLabels?.Where(kv => kv.Key != "kubernetes.io/metadata.name").ToDictionary());
        var named = ports.Where(p => p.Name is { Length: > 0 })
            .Select(p => new NamedPort(p.Name!, (ushort)p.Port, Enum.TryParse<L4Protocol>(p.Protocol, true, out var proto) ? proto : L4Protocol.TCP))
            .ToList();
        _lookup.Register(ep.Ip, new EndpointView(ep.Id.Value, ep.Namespace, ep.Name, labels.Labels.Select(l => l.ToString()).ToList(), []));
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
            else if (change.Kind == KindRegistry.Namespace && change.Type == ChangeType.Modified)
            {
                // Namespace labels are part of every pod identity in it.
                foreach (var ep in _pods.Values.Where(p => p.Namespace == change.Object.Name).ToList())
                {
                    var pod = _store.Find(KindRegistry.Pod, ep.Namespace, ep.Name);
                    UpsertEndpoint(ep, pod?.Labels ?? new Dictionary<string, string>(), []);
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
            _datapath.UpsertIpcache(prefix, id.Value);
        }
        foreach (var stale in _cidrPrefixes.Where(p => !cidrs.ContainsKey(p)).ToList())
        {
            _datapath.RemoveIpcache(stale);
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
            _datapath.UpsertEndpoint(p.Endpoint.Value, ep.Ip, ep.IfIndex, p.Identity.Value, p.IngressEnforced, p.EgressEnforced);
        }
    }

    private async Task<Dictionary<string, int>> IfIndexesAsync(IReadOnlyList<string> devices, CancellationToken ct)
    {
        var netns = Path.GetFileName(_nodeNetnsPath);
        var json = await CommandRunner.RunCheckedAsync("read ifindexes", "ip", ["-n", netns, "-j", "link", "show"], null, ct);
        var all = JsonNode.Parse(json)!.AsArray().ToDictionary(l => (string)l!["ifname"]!, l => (int)l!["ifindex"]!);
        return devices.ToDictionary(d => d, d => all.TryGetValue(d, out var i) ? i : throw new ClusterException($"policy: veth {d} not found in {netns}"));
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _pump.Dispose();
        _datapath.Dispose();
    }
}
