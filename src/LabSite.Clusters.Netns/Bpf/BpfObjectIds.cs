using System.Runtime.InteropServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// Kernel ids of BPF objects, the numbers bpftool shows (<c>bpftool map show id 42</c>): of a pinned object, and of a
/// loaded program together with the maps it uses (which include unpinned ones such as <c>.rodata</c>).
/// </summary>
public static unsafe class BpfObjectIds
{
    /// <summary>More maps than any of our programs uses; the kernel reports the real count if there are more.</summary>
    private const int MaxMapIds = 64;

    /// <summary>Whether a pinned path holds a map or a program, and its id. The kind comes from the fd's fdinfo.</summary>
    public static (BpfObjectKind Kind, uint Id) OfPinned(string path)
    {
        using var fd = BpfPins.Open(path);
        var fdinfo = File.ReadAllText($"/proc/self/fdinfo/{fd.Value}");
        var kind = fdinfo.Contains("prog_type:", StringComparison.Ordinal) ? BpfObjectKind.Program : BpfObjectKind.Map;
        // bpf_map_info and bpf_prog_info both start with {u32 type; u32 id;}: the head is enough for the id.
        BpfMapInfo info = default;
        uint len = 8;
        if (LibBpf.ObjGetInfoByFd(fd.Value, &info, &len) < 0)
        {
            throw new BpfException("inspect", path, Marshal.GetLastPInvokeError());
        }

        return (kind, info.Id);
    }

    /// <summary>A loaded program's id and the ids of the maps it uses.</summary>
    public static (uint Id, IReadOnlyList<uint> MapIds) OfProgram(BpfProgram program)
    {
        var mapIds = new uint[MaxMapIds];
        fixed (uint* ids = mapIds)
        {
            BpfProgInfo info = default;
            info.NrMapIds = MaxMapIds;
            info.MapIds = (ulong)ids;
            uint len = (uint)sizeof(BpfProgInfo);
            if (LibBpf.ObjGetInfoByFd(program.Fd, &info, &len) < 0)
            {
                throw new BpfException("inspect", program.ToString(), Marshal.GetLastPInvokeError());
            }

            return (info.Id, mapIds[..(int)Math.Min(info.NrMapIds, MaxMapIds)]);
        }
    }
}
