using System.Collections.Concurrent;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Bpf;

namespace LabSite.Clusters.Netns.RuntimeSecurity;

/// <summary>
/// The host's one runtime sensor, shared by the backend's labs: started when the first lab attaches, stopped (every
/// program and link released) when the last one detaches. Each record goes to the lab whose number the scope map
/// gave it, so a lab only ever sees its own cgroup's processes. Thread-safe.
/// </summary>
public sealed class RuntimeHub(string objectPath) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<uint, LabRuntime> _labs = new();
    private RuntimeSensor? _sensor;

    /// <summary>The running sensor (null while no lab is attached).</summary>
    public RuntimeSensor? Sensor
    {
        get { lock (_gate) { return _sensor; } }
    }

    /// <summary>
    /// Observes the processes of <paramref name="cgroupDirectory"/> as lab <paramref name="lab"/> (≥ 1, unique among
    /// attached labs). Fails with a <see cref="ClusterException"/> naming the stage when the sensor cannot start.
    /// </summary>
    public LabRuntime Attach(uint lab, string cgroupDirectory, string nodeName, Func<uint, TetragonPod?> podByNetns, Func<IReadOnlyList<RuntimePod>> pods)
    {
        lock (_gate)
        {
            if (_labs.ContainsKey(lab))
            {
                throw new InvalidOperationException($"runtime lab {lab} is already attached");
            }

            if (_sensor is null)
            {
                Tracefs.EnsureMounted();
                try
                {
                    _sensor = RuntimeSensor.Start(objectPath);
                }
                catch (BpfException e)
                {
                    throw new ClusterException($"runtime security: loading {Path.GetFileName(objectPath)}: {e.Message}", e);
                }

                _sensor.Record += Dispatch;
            }

            var runtime = new LabRuntime(this, lab, cgroupDirectory, new TetragonEvents(nodeName, podByNetns), pods);
            _labs[lab] = runtime;
            try
            {
                _sensor.AddScope(cgroupDirectory, lab);
            }
            catch
            {
                DetachLocked(runtime);
                throw;
            }

            return runtime;
        }
    }

    /// <summary>Loads <paramref name="runtime"/>'s rules into the kernel; returns the slot of each.</summary>
    internal IReadOnlyList<uint> SetRules(LabRuntime runtime, IReadOnlyList<Bpf.Abi.RuntimeRuleAbi> rules)
    {
        lock (_gate)
        {
            return (_sensor ?? throw new ObjectDisposedException(nameof(RuntimeHub))).SetRules(runtime.Lab, rules);
        }
    }

    /// <summary>Removes the pod masks of <paramref name="gone"/> and writes <paramref name="masks"/>.</summary>
    internal void SetPodMasks(IReadOnlyList<uint> gone, IReadOnlyDictionary<uint, ulong> masks)
    {
        lock (_gate)
        {
            if (_sensor is null)
            {
                return;
            }

            foreach (var inode in gone)
            {
                _sensor.SetPodMask(inode, 0);
            }

            foreach (var (inode, mask) in masks)
            {
                _sensor.SetPodMask(inode, mask);
            }
        }
    }

    internal bool LsmEnforcement
    {
        get { lock (_gate) { return _sensor?.LsmEnforcement ?? false; } }
    }

    internal void Detach(LabRuntime runtime)
    {
        lock (_gate)
        {
            DetachLocked(runtime);
        }
    }

    private void DetachLocked(LabRuntime runtime)
    {
        if (!_labs.TryRemove(new KeyValuePair<uint, LabRuntime>(runtime.Lab, runtime)) || _sensor is null)
        {
            return;
        }

        try
        {
            _sensor.SetRules(runtime.Lab, []);
            if (Directory.Exists(runtime.CgroupDirectory))
            {
                _sensor.RemoveScope(runtime.CgroupDirectory);
            }
        }
        finally
        {
            if (_labs.IsEmpty)
            {
                _sensor.Dispose();
                _sensor = null;
            }
        }
    }

    /// <summary>On the sensor's polling thread.</summary>
    private void Dispatch(RuntimeRecord record)
    {
        if (_labs.TryGetValue(record.Lab, out var lab))
        {
            lab.OnRecord(record);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _labs.Clear();
            _sensor?.Dispose();
            _sensor = null;
        }
    }
}
