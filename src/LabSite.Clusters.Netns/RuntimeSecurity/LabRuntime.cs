using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.RuntimeSecurity.Policy;

namespace LabSite.Clusters.Netns.RuntimeSecurity;

/// <summary>
/// One lab's share of the runtime sensor: its events as Tetragon events in a bounded ring, and its compiled
/// TracingPolicy rules. Processes of the exec sandbox's own plumbing (nsenter, prlimit, setpriv, bwrap, setsid: what a
/// container runtime would be) are left out, as Tetragon does not show the runtime starting a container's process.
/// Dispose to stop observing the lab (before its cgroup is removed).
/// </summary>
public sealed class LabRuntime : IDisposable
{
    private readonly RuntimeHub _hub;
    private readonly TetragonEvents _converter;
    private readonly HashSet<uint> _plumbing = []; // pids whose last exec was plumbing; sensor thread only
    private readonly Lock _rulesGate = new();
    private readonly Func<IReadOnlyList<RuntimePod>> _pods;
    private volatile Dictionary<uint, string> _policyBySlot = [];
    private IReadOnlyList<(uint Slot, TracingPolicy Policy)> _slots = [];
    private Dictionary<uint, ulong> _podMasks = [];
    private int _disposed;

    internal LabRuntime(RuntimeHub hub, uint lab, string cgroupDirectory, TetragonEvents converter, Func<IReadOnlyList<RuntimePod>> pods)
    {
        _hub = hub;
        _pods = pods;
        Lab = lab;
        CgroupDirectory = cgroupDirectory;
        _converter = converter;
    }

    public uint Lab { get; }

    public string CgroupDirectory { get; }

    public RuntimeEventRing Events { get; } = new();

    /// <summary>False where the kernel refuses BPF LSM programs: Override cannot be enforced then.</summary>
    public bool LsmEnforcement => _hub.LsmEnforcement;

    /// <summary>Binaries of the exec sandbox (see <c>Exec/SandboxCommand</c>), by the path the exec tracepoint reports.</summary>
    public static readonly IReadOnlySet<string> SandboxPlumbing = new HashSet<string>(StringComparer.Ordinal)
    {
        "/usr/bin/nsenter", "/usr/bin/prlimit", "/usr/bin/setpriv", "/usr/bin/bwrap", Exec.SandboxCommand.SandboxSetsid,
    };

    /// <summary>
    /// Enforces <paramref name="policies"/> (replacing the lab's previous ones): each selector becomes kernel rules, and
    /// the rules of a namespaced policy (or one with a podSelector) are switched on for the pods it selects only. Throws
    /// <see cref="InvalidOperationException"/> when the host's rule slots run out; then the previous rules stay.
    /// </summary>
    public void SetPolicies(IReadOnlyList<TracingPolicy> policies)
    {
        var compiled = policies.SelectMany(p => TracingPolicyCompiler.Compile(p).Select(rule => (Policy: p, Rule: rule))).ToList();
        lock (_rulesGate)
        {
            var slots = _hub.SetRules(this, compiled.Select(c => c.Rule).ToList());
            _slots = slots.Select((slot, i) => (slot, compiled[i].Policy)).ToList();
            _policyBySlot = _slots.ToDictionary(x => x.Slot, x => x.Policy.Name);
            RefreshPodsLocked();
        }
    }

    /// <summary>Recomputes which scoped rules apply to which pod; call when pods come, go or change labels.</summary>
    public void RefreshPods()
    {
        lock (_rulesGate)
        {
            RefreshPodsLocked();
        }
    }

    private void RefreshPodsLocked()
    {
        var masks = new Dictionary<uint, ulong>();
        foreach (var pod in _pods())
        {
            var mask = 0UL;
            foreach (var (slot, policy) in _slots)
            {
                if (policy.Scoped && policy.AppliesTo(pod.Namespace, pod.Labels))
                {
                    mask |= 1UL << (int)slot;
                }
            }

            if (mask != 0)
            {
                masks[pod.NetnsInode] = mask;
            }
        }

        _hub.SetPodMasks(_podMasks.Keys.Except(masks.Keys).ToList(), masks);
        _podMasks = masks;
    }

    internal void OnRecord(RuntimeRecord r)
    {
        switch (r.Kind)
        {
            case RuntimeCodes.EventExec when SandboxPlumbing.Contains(r.Binary):
                _plumbing.Add(r.Pid);
                return;
            case RuntimeCodes.EventExec:
                _plumbing.Remove(r.Pid);
                break;
            case RuntimeCodes.EventExit when _plumbing.Remove(r.Pid) || !_converter.Knows(r.Pid):
                // A plumbing process, or one that never exec'd in the pod (a fork of bwrap or of a shell).
                return;
        }

        Events.Write(_converter.Convert(r, _policyBySlot.GetValueOrDefault(r.Rule, "")));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            lock (_rulesGate)
            {
                _hub.SetPodMasks(_podMasks.Keys.ToList(), new Dictionary<uint, ulong>());
                _podMasks = [];
            }

            _hub.Detach(this);
            Events.Complete();
        }
    }
}

/// <summary>A pod as runtime rules scope it: its network namespace's inode (what events carry), namespace and labels.</summary>
public sealed record RuntimePod(uint NetnsInode, string Namespace, IReadOnlyDictionary<string, string> Labels);
