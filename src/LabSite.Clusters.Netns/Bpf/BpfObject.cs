using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// A compiled .bpf.o opened with libbpf, in stages: <see cref="Open"/> → pin paths / autoload →
/// <see cref="Load"/> → take programs and maps. Every failure names its stage and the object.
/// Programs and maps found here stay valid until the object is disposed; <see cref="Map{TKey,TValue}"/>
/// hands out its own descriptor, so a map may outlive the object.
/// </summary>
public sealed unsafe partial class BpfObject : IDisposable
{
    private readonly ObjectHandle _handle;

    private BpfObject(ObjectHandle handle, string path)
    {
        this._handle = handle;
        Path = path;
    }

    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    public bool IsLoaded { get; private set; }

    /// <summary>Directory of our built objects: <c>bpf/</c> beside the Sandbox assembly.</summary>
    public static string DefaultDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "bpf");

    /// <summary>Opens <c>bpf/&lt;name&gt;.bpf.o</c> from <see cref="DefaultDirectory"/>, e.g. <c>OpenBuilt("bpf_sock")</c>.</summary>
    public static BpfObject OpenBuilt(string name) => Open(System.IO.Path.Combine(DefaultDirectory, name + ".bpf.o"));

    public static BpfObject Open(string path)
    {
        BpfLog.EnsureInstalled();
        if (!File.Exists(path))
        {
            throw new BpfException("open", path, 2, "the object is built by src/LabSite.Clusters.Netns (target CompileBpf) into bpf/ beside the assembly");
        }

        BpfLog.BeginCapture();
        var obj = LibBpf.ObjectOpenFile(path, 0);
        if (obj == 0)
        {
            throw new BpfException("open", System.IO.Path.GetFileName(path), Marshal.GetLastPInvokeError(), BpfLog.RecentText());
        }

        return new BpfObject(new ObjectHandle(obj), path);
    }

    /// <summary>Names of the maps in the object, in section order.</summary>
    public IReadOnlyList<string> MapNames()
    {
        var names = new List<string>();
        for (var m = LibBpf.ObjectNextMap(Raw, 0); m != 0; m = LibBpf.ObjectNextMap(Raw, m))
        {
            names.Add(Marshal.PtrToStringUTF8((nint)LibBpf.MapName(m)) ?? "");
        }

        return names;
    }

    public IReadOnlyList<string> ProgramNames()
    {
        var names = new List<string>();
        for (var p = LibBpf.ObjectNextProgram(Raw, 0); p != 0; p = LibBpf.ObjectNextProgram(Raw, p))
        {
            names.Add(Marshal.PtrToStringUTF8((nint)LibBpf.ProgramName(p)) ?? "");
        }

        return names;
    }

    /// <summary>
    /// Before load: the map is pinned at <paramref name="pinPath"/>; an existing compatible pin is reused
    /// (so a restarted agent finds its maps), otherwise the map is created and pinned there.
    /// </summary>
    public void SetMapPinPath(string mapName, string pinPath)
    {
        var rc = LibBpf.MapSetPinPath(FindMap(mapName), pinPath);
        if (rc < 0)
        {
            throw new BpfException("set pin path of", $"{FileName} map {mapName}", rc);
        }
    }

    /// <summary>Before load: pins every map of the object as <c>&lt;directory&gt;/&lt;map name&gt;</c>.</summary>
    public void PinAllMapsUnder(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var name in MapNames().Where(n => !n.StartsWith('.')))
        {
            SetMapPinPath(name, System.IO.Path.Combine(directory, name));
        }
    }

    /// <summary>Before load: skip loading a program this caller does not need.</summary>
    public void SetAutoload(string programName, bool autoload)
    {
        var rc = LibBpf.ProgramSetAutoload(FindProgram(programName), autoload);
        if (rc < 0)
        {
            throw new BpfException("set autoload of", $"{FileName} program {programName}", rc);
        }
    }

    public void SetMaxEntries(string mapName, uint maxEntries)
    {
        var rc = LibBpf.MapSetMaxEntries(FindMap(mapName), maxEntries);
        if (rc < 0)
        {
            throw new BpfException("set max_entries of", $"{FileName} map {mapName}", rc);
        }
    }

    /// <summary>Loads every program into the kernel; a verifier rejection quotes the end of the verifier log.</summary>
    public void Load()
    {
        BpfLog.BeginCapture();
        var rc = LibBpf.ObjectLoad(Raw);
        if (rc < 0)
        {
            var log = BpfLog.RecentText();
            throw new BpfException("load", FileName, rc, log.Length == 0 ? null : "libbpf: " + log);
        }

        IsLoaded = true;
    }

    /// <summary>A loaded program's descriptor, owned by this object.</summary>
    public BpfProgram Program(string name)
    {
        RequireLoaded("program " + name);
        var prog = FindProgram(name);
        var fd = LibBpf.ProgramFd(prog);
        if (fd < 0)
        {
            throw new BpfException("find", $"{FileName} program {name}", fd, "was it loaded (autoload)?");
        }

        return new BpfProgram(this, name, fd, prog);
    }

    /// <summary>The programs that were loaded (autoload), in section order; bpftool shows them by the ids of these.</summary>
    public IReadOnlyList<BpfProgram> LoadedPrograms()
    {
        RequireLoaded("programs");
        var programs = new List<BpfProgram>();
        for (var p = LibBpf.ObjectNextProgram(Raw, 0); p != 0; p = LibBpf.ObjectNextProgram(Raw, p))
        {
            if (LibBpf.ProgramFd(p) is var fd and >= 0)
            {
                programs.Add(new BpfProgram(this, Marshal.PtrToStringUTF8((nint)LibBpf.ProgramName(p)) ?? "", fd, p));
            }
        }

        return programs;
    }

    /// <summary>A typed view of a loaded map with its own descriptor; key and value sizes are checked.</summary>
    public BpfMap<TKey, TValue> Map<TKey, TValue>(string name)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        RequireLoaded("map " + name);
        var fd = LibBpf.MapFd(FindMap(name));
        if (fd < 0)
        {
            throw new BpfException("find", $"{FileName} map {name}", fd);
        }

        return BpfMap<TKey, TValue>.FromFd(BpfFd.Duplicate(fd, $"{FileName} map {name}"), $"{FileName} map {name}");
    }

    /// <summary>A consumer of a loaded BPF_MAP_TYPE_RINGBUF map (valid while this object is open).</summary>
    public BpfRingBuffer RingBuffer(string mapName, BpfRingBuffer.RecordHandler handler)
    {
        RequireLoaded("map " + mapName);
        var fd = LibBpf.MapFd(FindMap(mapName));
        if (fd < 0)
        {
            throw new BpfException("find", $"{FileName} map {mapName}", fd);
        }

        return new BpfRingBuffer(fd, handler, $"{FileName} map {mapName}");
    }

    public void Dispose() => _handle.Dispose();

    internal nint FindProgram(string name)
    {
        var prog = LibBpf.ObjectFindProgramByName(Raw, name);
        if (prog == 0)
        {
            throw new BpfException("find", $"{FileName} program {name}", 2, $"programs here: {string.Join(", ", ProgramNames())}");
        }

        return prog;
    }

    private nint FindMap(string name)
    {
        var map = LibBpf.ObjectFindMapByName(Raw, name);
        if (map == 0)
        {
            throw new BpfException("find", $"{FileName} map {name}", 2, $"maps here: {string.Join(", ", MapNames())}");
        }

        return map;
    }

    private void RequireLoaded(string what)
    {
        if (!IsLoaded)
        {
            throw new InvalidOperationException($"{FileName}: {what} is available only after Load()");
        }
    }

    private nint Raw
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private sealed class ObjectHandle : SafeHandle
    {
        public ObjectHandle(nint obj)
            : base(0, ownsHandle: true) => SetHandle(obj);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            LibBpf.ObjectClose(handle);
            return true;
        }
    }
}
