using System.Text;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.RuntimeSecurity;

/// <summary>
/// The Tetragon-style sensor of the netns backend: loads bpf_runtime.bpf.o once per host, attaches its
/// tracepoints (and its BPF LSM hooks where the kernel lets them load), and hands every ring-buffer record
/// to <see cref="Record"/> from one polling thread. Only processes in a cgroup added with
/// <see cref="AddScope"/> are observed; rules are per lab (<see cref="SetRules"/>).
/// </summary>
public sealed class RuntimeSensor : IDisposable
{
    private static readonly string[] s_lsmPrograms = ["rt_file_open", "rt_bprm_check"];

    private readonly BpfObject _object;
    private readonly List<BpfLink> _links = [];
    private readonly BpfMap<ulong, uint> _scope;
    private readonly BpfMap<uint, RuntimeRuleAbi> _rules;
    private readonly BpfMap<uint, ulong> _podRules;
    private readonly BpfRingBuffer _ring;
    private readonly Thread _thread;
    private readonly uint[] _slotLab = new uint[RuntimeCodes.MaxRules];
    private readonly Lock _gate = new();
    private volatile bool _stop;
    private long _errors;

    private RuntimeSensor(BpfObject obj, bool lsm)
    {
        _object = obj;
        LsmEnforcement = lsm;
        try
        {
            foreach (var program in obj.LoadedPrograms())
            {
                _links.Add(BpfLink.Attach(program));
            }

            _scope = obj.Map<ulong, uint>("rt_scope");
            _rules = obj.Map<uint, RuntimeRuleAbi>("rt_rules");
            _podRules = obj.Map<uint, ulong>("rt_pod_rules");
            _ring = obj.RingBuffer("rt_events", OnRecord);
        }
        catch
        {
            DisposeLinks();
            obj.Dispose();
            throw;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "runtime-sensor" };
        _thread.Start();
    }

    /// <summary>Called on the polling thread for each event; keep it short.</summary>
    public event Action<RuntimeRecord>? Record;

    /// <summary>
    /// True when the BPF LSM hooks are attached (Override works, paths are resolved by the kernel). False where
    /// the kernel refuses to load BPF LSM programs: file opens are then seen at <c>openat</c> entry, where Post
    /// and Sigkill work but Override cannot.
    /// </summary>
    public bool LsmEnforcement { get; }

    /// <summary>Kernel ids of the attached programs (what <c>bpftool prog show id N</c> takes).</summary>
    public IReadOnlyList<uint> ProgramIds => _object.LoadedPrograms().Select(p => BpfObjectIds.OfProgram(p).Id).ToList();

    /// <summary>Records that failed to decode (skipped).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Loads and attaches; tries the LSM hooks first and falls back to the tracepoint hook on refusal.</summary>
    public static RuntimeSensor Start(string? objectPath = null)
    {
        objectPath ??= Path.Combine(BpfObject.DefaultDirectory, "bpf_runtime.bpf.o");
        try
        {
            return new RuntimeSensor(Load(objectPath, lsm: true), lsm: true);
        }
        catch (BpfException ex) when (ex.Errno is 1 or 13 or 22 or 95 or 524)
        {
            return new RuntimeSensor(Load(objectPath, lsm: false), lsm: false);
        }
    }

    private static BpfObject Load(string path, bool lsm)
    {
        var obj = BpfObject.Open(path);
        try
        {
            foreach (var name in s_lsmPrograms)
            {
                obj.SetAutoload(name, lsm);
            }

            obj.SetAutoload("rt_openat", !lsm);
            obj.Load();
            return obj;
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }

    /// <summary>Observes processes in the cgroup at <paramref name="cgroupDirectory"/> as lab <paramref name="lab"/> (≥ 1).</summary>
    public ulong AddScope(string cgroupDirectory, uint lab)
    {
        ArgumentOutOfRangeException.ThrowIfZero(lab);
        var id = CgroupId(cgroupDirectory);
        _scope.Update(id, lab);
        return id;
    }

    public void RemoveScope(string cgroupDirectory) => _scope.Delete(CgroupId(cgroupDirectory));

    /// <summary>
    /// Replaces lab <paramref name="lab"/>'s rules (an empty list removes them) and returns the slot each rule took
    /// (events name their rule by slot). All labs share <see cref="RuntimeCodes.MaxRules"/> slots; when they do not
    /// fit, nothing changes.
    /// </summary>
    public IReadOnlyList<uint> SetRules(uint lab, IReadOnlyList<RuntimeRuleAbi> rules)
    {
        ArgumentOutOfRangeException.ThrowIfZero(lab);
        if (!LsmEnforcement && rules.Any(r => (r.Actions & RuntimeCodes.ActionOverride) != 0))
        {
            throw new NotSupportedException(
                "runtime rules: Override needs BPF LSM programs, which this kernel refuses to load; use Sigkill");
        }

        lock (_gate)
        {
            var free = Enumerable.Range(0, _slotLab.Length).Where(i => _slotLab[i] == 0 || _slotLab[i] == lab).ToList();
            if (rules.Count > free.Count)
            {
                throw new InvalidOperationException(
                    $"runtime rules: lab {lab} needs {rules.Count} rule slots, {free.Count} of {RuntimeCodes.MaxRules} are free");
            }

            foreach (var slot in free.Where(i => _slotLab[i] == lab))
            {
                _rules.Update((uint)slot, default);
                _slotLab[slot] = 0;
            }

            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                rule.Lab = lab;
                _rules.Update((uint)free[i], rule);
                _slotLab[free[i]] = lab;
            }

            return free.Take(rules.Count).Select(i => (uint)i).ToList();
        }
    }

    /// <summary>
    /// The rule slots (bits) whose scoped rules apply to the pod with network namespace <paramref name="netnsInode"/>;
    /// 0 removes the pod's entry.
    /// </summary>
    public void SetPodMask(uint netnsInode, ulong mask)
    {
        if (mask == 0)
        {
            _podRules.Delete(netnsInode);
        }
        else
        {
            _podRules.Update(netnsInode, mask);
        }
    }

    /// <summary>Builds a rule; paths longer than the kernel's pattern buffer are refused.</summary>
    public static unsafe RuntimeRuleAbi Rule(uint hook, string? path, bool pathPrefix, string? binary, bool binaryPrefix, uint actions, int errno)
    {
        var rule = new RuntimeRuleAbi
        {
            Hook = hook,
            PathOp = pathPrefix ? RuntimeCodes.OpPrefix : RuntimeCodes.OpEqual,
            BinaryOp = binaryPrefix ? RuntimeCodes.OpPrefix : RuntimeCodes.OpEqual,
            Actions = actions | RuntimeCodes.ActionPost,
            Error = errno,
        };
        rule.PathLength = Copy(path, rule.Path);
        rule.BinaryLength = Copy(binary, rule.Binary);
        return rule;

        static uint Copy(string? text, byte* into)
        {
            if (string.IsNullOrEmpty(text))
            {
                return 0;
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length >= RuntimeCodes.RulePathLength)
            {
                throw new ArgumentException($"'{text}' is {bytes.Length} bytes; runtime rules match at most {RuntimeCodes.RulePathLength - 1}");
            }

            bytes.CopyTo(new Span<byte>(into, RuntimeCodes.RulePathLength));
            return (uint)bytes.Length;
        }
    }

    /// <summary>The cgroup-v2 id of a directory is its inode number.</summary>
    public static ulong CgroupId(string cgroupDirectory) => Libc.Inode(cgroupDirectory);

    /// <summary>The inode of a network namespace file (e.g. <c>/run/netns/x</c>): what events carry as <c>netns</c>.</summary>
    public static uint NetnsInode(string netnsPath) => (uint)Libc.Inode(netnsPath);

    private void Run()
    {
        while (!_stop)
        {
            try
            {
                _ring.Poll(100);
            }
            catch (BpfException)
            {
                Interlocked.Increment(ref _errors);
                Thread.Sleep(100);
            }
        }
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        try
        {
            var decoded = RuntimeRecord.Decode(record);
            Record?.Invoke(decoded);
        }
        catch (ArgumentException)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    private void DisposeLinks()
    {
        foreach (var link in _links)
        {
            link.Dispose();
        }

        _links.Clear();
    }

    public void Dispose()
    {
        _stop = true;
        _ring.Stop();
        _thread.Join();
        DisposeLinks();
        _ring.Dispose();
        _scope.Dispose();
        _rules.Dispose();
        _podRules.Dispose();
        _object.Dispose();
    }
}
