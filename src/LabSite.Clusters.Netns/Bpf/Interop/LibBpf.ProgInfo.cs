using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>
/// The head of the kernel's <c>struct bpf_prog_info</c> (linux/bpf.h), up to <c>name</c>; filled by
/// <see cref="LibBpf.ObjGetInfoByFd"/>. <see cref="MapIds"/> points at a buffer of <see cref="NrMapIds"/> u32s.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfProgInfo
{
    public uint Type;
    public uint Id;
    public fixed byte Tag[8];
    public uint JitedProgLen;
    public uint XlatedProgLen;
    public ulong JitedProgInsns;
    public ulong XlatedProgInsns;
    public ulong LoadTime;
    public uint CreatedByUid;
    public uint NrMapIds;
    public ulong MapIds;
    public fixed byte Name[16];
}
