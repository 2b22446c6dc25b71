using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.Clusters.Netns;

/// <summary>Pods of the lab: start (batched), delete, relabel, list, logs.</summary>
public sealed partial class NetnsCluster
{
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

                var n = _nextPodNumber++;
                fresh.Add(new PodRuntime(spec, n, Names.PodNetns(n), LabNames.NodeVeth(spec.Namespace, spec.Name, n), Addressing.PodIp(n), Addressing.NodeIp));
            }

            await _network.AddPodsAsync(fresh.Select(p => new LabNetwork.PodLink(p.Netns, p.NodeVeth, p.Ip, $"labsite:{Name}/{p.Spec.Namespace}/{p.Spec.Name}")).ToList(), ct);
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
        var p = FindPod(@namespace, pod)
            ?? throw new ClusterException($"Error from server (NotFound): pods \"{pod}\" not found in namespace \"{@namespace}\"");
        var lines = p.Log.Read(container, tailLines);
        return Task.FromResult(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n");
    }
}
