using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Bpf.Abi;

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
    private volatile Dictionary<uint, string> _policyBySlot = [];
    private int _disposed;

    internal LabRuntime(RuntimeHub hub, uint lab, string cgroupDirectory, TetragonEvents converter)
    {
        _hub = hub;
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

    /// <summary>Replaces the lab's rules: each with the name of the policy it came from, for its events.</summary>
    public void SetRules(IReadOnlyList<(string Policy, RuntimeRuleAbi Rule)> rules)
    {
        var slots = _hub.SetRules(this, rules.Select(r => r.Rule).ToList());
        _policyBySlot = slots.Select((slot, i) => (slot, rules[i].Policy)).ToDictionary(x => x.slot, x => x.Policy);
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
            _hub.Detach(this);
            Events.Complete();
        }
    }
}
