using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>A program of an opened object as libbpf read it: kernel program type (enum bpf_prog_type) and size.</summary>
public sealed record BpfProgramFacts(string Name, string Section, uint Type, int Instructions);

/// <summary>A map of an opened object: its definition, and the pin path its definition asks for (null when none).</summary>
public sealed record BpfMapFacts(string Name, uint Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags, string? PinPath, bool HasInnerMap);

/// <summary>What an opened object holds, read before <see cref="Load"/> so a caller can refuse it first.</summary>
public sealed unsafe partial class BpfObject
{
    public IReadOnlyList<BpfProgramFacts> ProgramFacts()
    {
        var facts = new List<BpfProgramFacts>();
        for (var p = LibBpf.ObjectNextProgram(Raw, 0); p != 0; p = LibBpf.ObjectNextProgram(Raw, p))
        {
            facts.Add(new BpfProgramFacts(
                Marshal.PtrToStringUTF8((nint)LibBpf.ProgramName(p)) ?? "",
                Marshal.PtrToStringUTF8((nint)LibBpf.ProgramSectionName(p)) ?? "",
                LibBpf.ProgramType(p),
                (int)Math.Min(LibBpf.ProgramInsnCount(p), int.MaxValue)));
        }

        return facts;
    }

    public IReadOnlyList<BpfMapFacts> MapFacts()
    {
        var facts = new List<BpfMapFacts>();
        for (var m = LibBpf.ObjectNextMap(Raw, 0); m != 0; m = LibBpf.ObjectNextMap(Raw, m))
        {
            facts.Add(new BpfMapFacts(
                Marshal.PtrToStringUTF8((nint)LibBpf.MapName(m)) ?? "",
                LibBpf.MapType(m),
                LibBpf.MapKeySize(m),
                LibBpf.MapValueSize(m),
                LibBpf.MapMaxEntries(m),
                LibBpf.MapFlags(m),
                Marshal.PtrToStringUTF8((nint)LibBpf.MapPinPath(m)),
                LibBpf.MapInnerMap(m) != 0));
        }

        return facts;
    }

    /// <summary>
    /// Loads like <see cref="Load"/>, with each program's verifier log kept in a buffer of its own: on a rejection the
    /// exception carries the program's name and the end of its log (the kernel keeps the last part when it is long).
    /// </summary>
    public void LoadKeepingVerifierLog(int logBytesPerProgram)
    {
        var buffers = new List<(string Program, nint Buffer)>();
        try
        {
            for (var p = LibBpf.ObjectNextProgram(Raw, 0); p != 0; p = LibBpf.ObjectNextProgram(Raw, p))
            {
                var buffer = (nint)NativeMemory.AllocZeroed((nuint)logBytesPerProgram);
                buffers.Add((Marshal.PtrToStringUTF8((nint)LibBpf.ProgramName(p)) ?? "", buffer));
                var rc = LibBpf.ProgramSetLogBuf(p, (byte*)buffer, (nuint)logBytesPerProgram);
                if (rc < 0)
                {
                    throw new BpfException("set the verifier log of", FileName, rc);
                }
            }

            BpfLog.BeginCapture();
            var load = LibBpf.ObjectLoad(Raw);
            if (load < 0)
            {
                var rejected = buffers.FirstOrDefault(b => *(byte*)b.Buffer != 0);
                throw rejected.Program is null
                    ? new BpfException("load", FileName, load, BpfLog.RecentText() is { Length: > 0 } text ? "libbpf: " + text : null)
                    : new BpfVerifierException(FileName, rejected.Program, load, Marshal.PtrToStringUTF8(rejected.Buffer) ?? "");
            }

            IsLoaded = true;
        }
        finally
        {
            foreach (var (_, buffer) in buffers)
            {
                NativeMemory.Free((void*)buffer);
            }
        }
    }

    /// <summary>A loaded map's descriptor, owned by this object (duplicate it to keep it).</summary>
    public int MapFd(string name)
    {
        RequireLoaded("map " + name);
        var fd = LibBpf.MapFd(FindMap(name));
        return fd >= 0 ? fd : throw new BpfException("find", $"{FileName} map {name}", fd);
    }
}
