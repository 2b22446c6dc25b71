using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

internal static unsafe partial class LibBpf
{
    /// <summary>int bpf_map_create(type, name, key_size, value_size, max_entries, opts) → fd or -errno.</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int MapCreate(uint mapType, string name, uint keySize, uint valueSize, uint maxEntries, BpfMapCreateOpts* opts);
}

/// <summary>libbpf 1.x <c>struct bpf_map_create_opts</c> (sz first, for forward/backward compatibility).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BpfMapCreateOpts
{
    public nuint Size;
    public uint BtfFd;
    public uint BtfKeyTypeId;
    public uint BtfValueTypeId;
    public uint BtfVmlinuxValueTypeId;
    public uint InnerMapFd;
    public uint MapFlags;
    public ulong MapExtra;
    public uint NumaNode;
    public uint MapIfIndex;
}
