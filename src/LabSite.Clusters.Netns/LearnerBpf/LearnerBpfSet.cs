using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Interop;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.LearnerBpf;

/// <summary>
/// One lab's learner programs. A load is checked twice before the kernel sees it (<see cref="LearnerElf"/> on the bytes,
/// then libbpf's reading: program types, map definitions, pins), verified by the kernel, pinned under the lab's bpffs
/// folder (so the lab shell's bpftool shows it) and attached inside the pod: on the tc hook of the pod's own eth0
/// (sched_cls) or to a packet socket there (socket_filter). Inside the pod, egress runs before Cilium's programs on the
/// node's side of the veth and ingress after them, so whatever a program returns it cannot get past the lab's policy.
/// Not thread-safe: the cluster calls it under its lab lock.
/// </summary>
internal sealed partial class LearnerBpfSet(string pinRoot, string objectDirectory) : IDisposable
{
    public const string PodInterface = "eth0";
    private const int VerifierLogBytes = 256 * 1024;
    private const int VerifierLogLines = 40;
    private const uint TcHandle = 1;
    private const int SolSocket = 1;
    private const int SoAttachBpf = 50;
    private const ushort EthPAll = 0x0003;

    private readonly Dictionary<string, Loaded> _loaded = new(StringComparer.Ordinal);

    public LearnerBpfProgram Load(LearnerBpfLoadRequest request, string podNetnsPath)
    {
        if (!ProgramName().IsMatch(request.Name))
        {
            throw new ClusterException($"bpf load: name \"{Printable(request.Name)}\" must be 1-32 lowercase letters, digits, - or _, starting with a letter or digit");
        }
        if (_loaded.ContainsKey(request.Name))
        {
            throw new ClusterException($"bpf load: a program named {request.Name} is already loaded; unload it first (bpf unload {request.Name})");
        }
        if (_loaded.Count >= LearnerBpfLimits.MaxLoadedPerLab)
        {
            throw new ClusterException($"bpf load: this lab already has {_loaded.Count} programs of yours, the most it may hold; unload one first (bpf list)");
        }
        var file = request.Name + ".o";
        LearnerElf.Check(file, request.Object);

        Directory.CreateDirectory(objectDirectory);
        var objectPath = Path.Combine(objectDirectory, file);
        File.WriteAllBytes(objectPath, request.Object);
        BpfObject? obj = null;
        var pinDirectory = Path.Combine(pinRoot, request.Name);
        Socket? packetSocket = null;
        try
        {
            obj = BpfObject.Open(objectPath);
            var program = Choose(file, obj, request.Program);
            CheckMaps(file, obj.MapFacts());
            foreach (var other in obj.ProgramFacts().Where(p => p.Name != program.Name))
            {
                obj.SetAutoload(other.Name, autoload: false);
            }
            try
            {
                obj.LoadKeepingVerifierLog(VerifierLogBytes);
            }
            catch (BpfVerifierException e)
            {
                throw new ClusterException($"bpf load {file}: the kernel's verifier rejected program {e.Program} ({Errno.Describe(e.Errno)}); the end of its log:\n{LogTail(e.Log)}", e);
            }

            var loaded = obj.Program(program.Name);
            Directory.CreateDirectory(pinDirectory);
            loaded.Pin(Path.Combine(pinDirectory, "prog"));
            foreach (var map in obj.MapFacts())
            {
                Pin(obj.MapFd(map.Name), Path.Combine(pinDirectory, map.Name));
            }

            var hook = program.Type == LearnerBpfLimits.SchedCls ? request.Hook : (BpfHook?)null;
            var priority = hook is { } h ? FreePriority(podNetnsPath, h) : 0u;
            packetSocket = NetnsThread.RunAsync(podNetnsPath, () => Attach(loaded, hook, priority)).GetAwaiter().GetResult();
            var (id, _) = BpfObjectIds.OfProgram(loaded);
            var entry = new Loaded(request with { Object = [] }, podNetnsPath, obj, program, id, priority, packetSocket, pinDirectory, objectPath);
            _loaded[request.Name] = entry;
            return Describe(entry);
        }
        catch
        {
            packetSocket?.Dispose();
            obj?.Dispose();
            RemoveFiles(pinDirectory, objectPath);
            throw;
        }
    }

    public IReadOnlyList<LearnerBpfProgram> List() => [.. _loaded.Values.OrderBy(l => l.Request.Name, StringComparer.Ordinal).Select(Describe)];

    public bool Unload(string name)
    {
        if (!_loaded.Remove(name, out var entry))
        {
            return false;
        }

        Release(entry);
        return true;
    }

    /// <summary>The pod went away (its namespace and tc hooks with it): unload its programs too.</summary>
    public void ForgetPod(string @namespace, string pod)
    {
        foreach (var name in _loaded.Values.Where(l => l.Request.Namespace == @namespace && l.Request.Pod == pod).Select(l => l.Request.Name).ToList())
        {
            Unload(name);
        }
    }

    public void Dispose()
    {
        foreach (var entry in _loaded.Values)
        {
            Release(entry);
        }

        _loaded.Clear();
        RemoveFiles(pinRoot, null);
    }

    private static BpfProgramFacts Choose(string file, BpfObject obj, string? wanted)
    {
        var programs = obj.ProgramFacts();
        foreach (var p in programs)
        {
            if (!LearnerBpfLimits.ProgramTypes.ContainsKey(p.Type))
            {
                throw new ClusterException($"bpf load {file}: program {p.Name} in section \"{Printable(p.Section)}\" has type {ProgramTypeName(p.Type)}; learner programs may be sched_cls (SEC(\"tc\")) or socket_filter (SEC(\"socket\")) only");
            }
        }
        var total = programs.Sum(p => p.Instructions);
        if (total > LearnerBpfLimits.MaxInstructions)
        {
            throw new ClusterException($"bpf load {file}: {total} instructions; the most accepted is {LearnerBpfLimits.MaxInstructions}");
        }
        if (wanted is not null)
        {
            return programs.FirstOrDefault(p => p.Name == wanted)
                ?? throw new ClusterException($"bpf load {file}: no program {Printable(wanted)}; its programs: {string.Join(", ", programs.Select(p => p.Name))}");
        }
        return programs.Count switch
        {
            0 => throw new ClusterException($"bpf load {file}: no program in the object (put one in SEC(\"tc\"))"),
            1 => programs[0],
            _ => throw new ClusterException($"bpf load {file}: {programs.Count} programs ({string.Join(", ", programs.Select(p => p.Name))}); pick one with --program NAME"),
        };
    }

    private static void CheckMaps(string file, IReadOnlyList<BpfMapFacts> maps)
    {
        if (maps.Count > LearnerBpfLimits.MaxMaps)
        {
            throw new ClusterException($"bpf load {file}: {maps.Count} maps (global variables count as one per section); the most accepted is {LearnerBpfLimits.MaxMaps}");
        }
        foreach (var m in maps)
        {
            var what = $"bpf load {file}: map {Printable(m.Name)}";
            if (!LearnerBpfLimits.MapTypes.ContainsKey(m.Type))
            {
                throw new ClusterException($"{what} has type {m.Type}; learner maps may be {string.Join(", ", LearnerBpfLimits.MapTypes.Values)}");
            }
            if (m.PinPath is not null)
            {
                throw new ClusterException($"{what} asks to be pinned by name (pinning); LabSite pins your maps itself, remove the pinning attribute");
            }
            if (m.HasInnerMap)
            {
                throw new ClusterException($"{what} is a map of maps; not available to learner programs");
            }
            if (m.MaxEntries is 0 || m.MaxEntries > LearnerBpfLimits.MaxEntries)
            {
                throw new ClusterException($"{what} has max_entries {m.MaxEntries}; it must be 1 to {LearnerBpfLimits.MaxEntries}");
            }
            if (m.KeySize > LearnerBpfLimits.MaxKeySize)
            {
                throw new ClusterException($"{what} has {m.KeySize}-byte keys; the most is {LearnerBpfLimits.MaxKeySize}");
            }
            if (m.ValueSize > LearnerBpfLimits.MaxValueSize)
            {
                throw new ClusterException($"{what} has {m.ValueSize}-byte values; the most is {LearnerBpfLimits.MaxValueSize}");
            }
        }
    }

    /// <summary>Runs inside the pod's network namespace.</summary>
    private static Socket? Attach(BpfProgram program, BpfHook? hook, uint priority)
    {
        if (hook is { } h)
        {
            var ifIndex = (int)Libc.IfNameToIndex(PodInterface);
            if (ifIndex == 0)
            {
                throw new ClusterException($"bpf load: the pod has no {PodInterface} ({Errno.Describe(Marshal.GetLastPInvokeError())})");
            }
            BpfTc.Attach(ifIndex, TcPoint(h), program, TcHandle, priority);
            return null;
        }

        // A packet socket of the pod's namespace sees every packet of its interfaces; the filter's answer only decides what
        // this socket (which nobody reads) would queue, so the smallest receive buffer bounds its memory.
        var socket = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)System.Net.IPAddress.HostToNetworkOrder((short)EthPAll));
        try
        {
            socket.ReceiveBufferSize = 1;
            socket.SetRawSocketOption(SolSocket, SoAttachBpf, BitConverter.GetBytes(program.Fd));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private uint FreePriority(string netnsPath, BpfHook hook)
    {
        var used = _loaded.Values.Where(l => l.NetnsPath == netnsPath && l.Request.Hook == hook && l.Priority > 0).Select(l => l.Priority).ToHashSet();
        for (var p = 1u; p <= LearnerBpfLimits.MaxLoadedPerLab; p++)
        {
            if (!used.Contains(p))
            {
                return p;
            }
        }
        throw new ClusterException("bpf load: no free tc priority on that hook");
    }

    private static LearnerBpfProgram Describe(Loaded l)
    {
        var maps = l.Object.MapFacts().Select(m =>
        {
            var fd = l.Object.MapFd(m.Name);
            var (_, id) = BpfObjectIds.OfPinned(Path.Combine(l.PinDirectory, m.Name));
            return new LearnerBpfMap(m.Name, id, LearnerBpfLimits.MapTypes.GetValueOrDefault(m.Type, m.Type.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                m.KeySize, m.ValueSize, m.MaxEntries, Path.Combine(l.PinDirectory, m.Name), LearnerMapSum.Sum(fd, m));
        }).ToList();
        var type = LearnerBpfLimits.ProgramTypes[l.Program.Type];
        return new LearnerBpfProgram(l.Request.Name, l.Request.Namespace, l.Request.Pod, PodInterface,
            l.Program.Type == LearnerBpfLimits.SchedCls ? l.Request.Hook : null, l.Program.Name, type, l.ProgramId, l.Program.Instructions,
            l.PinDirectory, maps);
    }

    private static void Release(Loaded entry)
    {
        try
        {
            if (entry.Priority > 0 && File.Exists(entry.NetnsPath))
            {
                var point = TcPoint(entry.Request.Hook);
                NetnsThread.RunAsync(entry.NetnsPath, () =>
                {
                    var ifIndex = (int)Libc.IfNameToIndex(PodInterface);
                    return ifIndex > 0 && BpfTc.Detach(ifIndex, point, TcHandle, entry.Priority);
                }).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is BpfException or ClusterException)
        {
            // The pod is going away; its namespace takes the filter with it.
        }
        finally
        {
            entry.PacketSocket?.Dispose();
            entry.Object.Dispose();
            RemoveFiles(entry.PinDirectory, entry.ObjectPath);
        }
    }

    private static void Pin(int fd, string path)
    {
        if (LibBpf.ObjPin(fd, path) < 0)
        {
            throw new BpfException("pin", path, Marshal.GetLastPInvokeError());
        }
    }

    private static void RemoveFiles(string pinDirectory, string? objectPath)
    {
        if (Directory.Exists(pinDirectory))
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
        if (objectPath is not null)
        {
            File.Delete(objectPath);
        }
    }

    private static TcAttachPoint TcPoint(BpfHook hook) => hook == BpfHook.Ingress ? TcAttachPoint.Ingress : TcAttachPoint.Egress;

    private static string LogTail(string log)
    {
        var lines = log.TrimEnd('\n', '\0').Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - VerifierLogLines)));
    }

    private static string ProgramTypeName(uint type) => type switch
    {
        2 => "kprobe",
        5 => "tracepoint",
        6 => "xdp",
        7 => "perf_event",
        8 => "cgroup_skb",
        9 => "cgroup_sock",
        26 => "tracing",
        29 => "lsm",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex ProgramName();

    private sealed record Loaded(
        LearnerBpfLoadRequest Request,
        string NetnsPath,
        BpfObject Object,
        BpfProgramFacts Program,
        uint ProgramId,
        uint Priority,
        Socket? PacketSocket,
        string PinDirectory,
        string ObjectPath);
}
