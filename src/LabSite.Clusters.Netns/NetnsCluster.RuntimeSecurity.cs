using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.RuntimeSecurity;
using LabSite.Clusters.Netns.RuntimeSecurity.Policy;

namespace LabSite.Clusters.Netns;

/// <summary>
/// Runtime security of a netns lab: the lab's cgroup (where every pod process runs) is in the host sensor's scope,
/// events carry the pod found from the process's network namespace, and the inspector serves them as Tetragon events.
/// </summary>
public sealed partial class NetnsCluster
{
    private readonly Dictionary<uint, TetragonPod> _podsByNetns = [];
    private LabRuntime? _runtime;
    private TracingPolicyAgent? _tracingPolicies;

    /// <summary>The last TracingPolicy the kernel could not take (the host's rule slots ran out), or null.</summary>
    public string? TracingPolicyError => _tracingPolicies?.LastError;

    /// <summary>The lab's share of the runtime sensor (null once destroyed).</summary>
    public LabRuntime? RuntimeSecurity => _runtime;

    public Task<IReadOnlyList<TetragonEvent>?> GetRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<TetragonEvent>?>(Runtime.Events.History(query.Filter, query.Last));

    public async IAsyncEnumerable<TetragonEvent> FollowRuntimeEventsAsync(RuntimeEventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Runtime.Events.FollowAsync(query.Filter, query.Last ?? 0, ct))
        {
            yield return e;
        }
    }

    private LabRuntime Runtime => _runtime ?? throw new ClusterException($"cluster {Name} is destroyed");

    /// <summary>
    /// The pod whose network namespace has inode <paramref name="netnsInode"/>; called on the sensor's thread. The map is
    /// rebuilt on a miss and dropped whenever pods come or go, so a reused inode never names a deleted pod.
    /// </summary>
    private TetragonPod? PodByNetns(uint netnsInode)
    {
        lock (_pods)
        {
            if (_podsByNetns.TryGetValue(netnsInode, out var known))
            {
                return known;
            }

            _podsByNetns.Clear();
            foreach (var pod in _pods.Values)
            {
                try
                {
                    _podsByNetns[RuntimeSensor.NetnsInode(LabNames.NetnsPath(pod.Netns))] = TetragonPodOf(pod);
                }
                catch (IOException)
                {
                    // Its namespace is being created or removed: not a pod to name yet.
                }
            }

            return _podsByNetns.GetValueOrDefault(netnsInode);
        }
    }

    /// <summary>Each pod's network namespace inode, namespace and labels, for scoped TracingPolicy rules.</summary>
    private IReadOnlyList<RuntimePod> RuntimePods()
    {
        var pods = new List<RuntimePod>();
        foreach (var pod in Pods)
        {
            try
            {
                pods.Add(new RuntimePod(RuntimeSensor.NetnsInode(LabNames.NetnsPath(pod.Netns)), pod.Spec.Namespace, pod.Spec.Labels));
            }
            catch (IOException)
            {
                // Being created or removed: the next refresh sees it.
            }
        }

        return pods;
    }

    /// <summary>Caller holds the <c>_pods</c> lock.</summary>
    private void ForgetPodNetns() => _podsByNetns.Clear();

    private static TetragonPod TetragonPodOf(PodRuntime pod)
    {
        var spec = pod.Spec;
        var container = spec.Containers.FirstOrDefault();
        return new TetragonPod(
            spec.Namespace,
            spec.Name,
            container is null ? null : new TetragonContainer($"labsite://{spec.Namespace}/{spec.Name}/{container.Name}", container.Name),
            spec.Labels.Count == 0 ? null : new Dictionary<string, string>(spec.Labels),
            WorkloadOf(spec.Name));
    }

    /// <summary>A Deployment's pod (<c>deathstar-6fb5694d48-5hmds</c>) belongs to <c>deathstar</c>; a bare pod to itself.</summary>
    private static string WorkloadOf(string podName) => DeploymentPodName().Match(podName) is { Success: true } m ? m.Groups[1].Value : podName;

    [GeneratedRegex("^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$")]
    private static partial Regex DeploymentPodName();
}
