using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.Clusters.Netns;

/// <summary>Pods of the lab: start (batched), delete, relabel, list, logs.</summary>
public sealed partial class NetnsCluster
{
    /// <summary>Node-side veths of a multi-node lab get ifindex base + pod number: unique across the lab's nodes.</summary>
    private const int MultiNodeIfIndexBase = 10000;

    /// <summary>Starts pods (all network plumbing batched), then refreshes services and files. Returns their statuses.</summary>
    public async Task<IReadOnlyList<PodRuntimeStatus>> RunPodsAsync(IReadOnlyList<PodSpec> specs, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ThrowIfDestroyed();
            var fresh = new List<PodRuntime>();
            foreach (var spec in specs)
            {
                if (_pods.ContainsKey(spec.Key) || fresh.Any(f => f.Spec.Key == spec.Key))
                {
                    throw new ClusterException($"pod {spec.Key} already exists in cluster {Name}");
                }

                var node = spec.NodeName is { } bound ? FindNode(bound) ?? throw new ClusterException($"pod {spec.Key}: no node {bound} in cluster {Name}") : Nodes[0];
                var n = _nextPodNumber++;
                // One node keeps the lab's whole /16 by pod number; several cut it per node.
                var ip = Nodes.Count == 1 ? Addressing.PodIp(n) : Addressing.PodIpOnNode(node.Index, _nextHostOnNode[node.Index]++);
                fresh.Add(new PodRuntime(spec, n, Names.PodNetns(n), LabNames.NodeVeth(spec.Namespace, spec.Name, n), ip, node.NodeIp, node));
            }

            await _network.AddPodsAsync(fresh.Select(p => new LabNetwork.PodLink(
                p.Netns, p.NodeVeth, p.Ip, $"labsite:{Name}/{p.Spec.Namespace}/{p.Spec.Name}", p.Node.Netns,
                Nodes.Count > 1 ? MultiNodeIfIndexBase + p.Number : null)).ToList(), ct);
            if (_policy is not null)
            {
                await _policy.AddPodsAsync(fresh, ct);
            }
            lock (_pods)
            {
                foreach (var p in fresh)
                {
                    _pods[p.Spec.Key] = p;
                }

                ForgetPodNetns();
            }

            _runtime?.RefreshPods();
            await Task.WhenAll(fresh.Select(p => p.StartAsync()));
            RefreshServicesAndFiles();
            return fresh.Select(p => p.Status).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops a pod and removes its namespace and veth; false when there is no such pod.</summary>
    public async Task<bool> DeletePodAsync(string @namespace, string name, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            PodRuntime? pod;
            lock (_pods)
            {
                if (!_pods.Remove($"{@namespace}/{name}", out pod))
                {
                    return false;
                }

                ForgetPodNetns();
            }

            // Take it out of service first, so no new connection is balanced to a pod going away.
            RefreshServicesAndFiles();
            _runtime?.RefreshPods();
            await pod.StopAsync();
            ReleaseLearnerBpf(pod);
            _policy?.RemovePod(pod);
            await LabNetwork.DeleteNamespacesAsync([pod.Netns], ct);
            TryDeleteDirectory(LabFiles.PodDirectory(Names.RunDirectory, pod.Number));
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Relabels a pod and re-evaluates which services it backs.</summary>
    public async Task UpdatePodLabelsAsync(string @namespace, string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (FindPod(@namespace, name) is { } pod)
            {
                pod.SetLabels(labels);
                lock (_pods)
                {
                    ForgetPodNetns();
                }

                _policy?.UpdatePod(pod);
                _runtime?.RefreshPods();
                RefreshServicesAndFiles();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Snapshot of the running pods.</summary>
    public IReadOnlyList<PodRuntime> Pods
    {
        get
        {
            lock (_pods)
            {
                return _pods.Values.OrderBy(p => p.Number).ToList();
            }
        }
    }

    public PodRuntime? FindPod(string @namespace, string name)
    {
        lock (_pods)
        {
            return _pods.GetValueOrDefault($"{@namespace}/{name}");
        }
    }

    public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, string? container = null)
    {
        if (FindPod(@namespace, pod) is not { } p)
        {
            // the Cilium agent pods stand for the lab's own agent, which writes no pod log: none to show, as for a quiet pod
            return IsCiliumAgentPod(@namespace, pod) ? Task.FromResult("")
                : throw new ClusterException($"Error from server (NotFound): pods \"{pod}\" not found in namespace \"{@namespace}\"");
        }
        var lines = p.Log.Read(container, tailLines);
        return Task.FromResult(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n");
    }

    /// <summary>Whether the store's pod <paramref name="pod"/> is one of the lab's Cilium agent pods (which have no runtime of their own).</summary>
    internal bool IsCiliumAgentPod(string @namespace, string pod) =>
        Store.Find(Contract.Kubernetes.ResourceKinds.Pod, @namespace, pod) is { } stored && LabSite.Clusters.Netns.Store.Controllers.CiliumAgentPods.IsAgentPod(stored);
}
