using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>Map element syscalls and pinned-object access. These return -1 and set errno on failure.</summary>
internal static unsafe partial class LibBpf
{
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    internal static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    internal static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map_delete_elem", SetLastError = true)]
    internal static partial int MapDeleteElem(int fd, void* key);

    /// <summary>key = NULL gives the first key; ENOENT after the last.</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map_get_next_key", SetLastError = true)]
    internal static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    /// <summary>CPUs the kernel may ever bring up: how many values a per-CPU map holds per key (or -errno).</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "libbpf_num_possible_cpus")]
    internal static partial int NumPossibleCpus();

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_obj_get", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int ObjGet(string path);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_obj_pin", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int ObjPin(int fd, string path);

    /// <summary>Fills a <see cref="BpfMapInfo"/> (the kernel copies at most *len bytes).</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_obj_get_info_by_fd", SetLastError = true)]
    internal static partial int ObjGetInfoByFd(int fd, void* info, uint* len);
}

/// <summary>The head of the kernel's <c>struct bpf_map_info</c> (linux/bpf.h); only the fields we read.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfMapInfo
{
    public uint Type;
    public uint Id;
    public uint KeySize;
    public uint ValueSize;
    public uint MaxEntries;
    public uint MapFlags;
    public fixed byte Name[16];
}
