using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>libbpf's view of an opened (not yet loaded) object: program types and sizes, map definitions and pins.</summary>
internal static unsafe partial class LibBpf
{
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__type")]
    internal static partial uint ProgramType(nint prog);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__insn_cnt")]
    internal static partial nuint ProgramInsnCount(nint prog);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__section_name")]
    internal static partial byte* ProgramSectionName(nint prog);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__type")]
    internal static partial uint MapType(nint map);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__max_entries")]
    internal static partial uint MapMaxEntries(nint map);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__key_size")]
    internal static partial uint MapKeySize(nint map);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__value_size")]
    internal static partial uint MapValueSize(nint map);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__map_flags")]
    internal static partial uint MapFlags(nint map);

    /// <summary>Where the map will be pinned (set by the object's own <c>pinning</c> attribute or a caller), or NULL.</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__pin_path")]
    internal static partial byte* MapPinPath(nint map);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__inner_map")]
    internal static partial nint MapInnerMap(nint map);
}

/// <summary>Per-program verifier log buffers: libbpf retries a failed load with log level 1 into this buffer.</summary>
internal static unsafe partial class LibBpf
{
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__set_log_buf")]
    internal static partial int ProgramSetLogBuf(nint prog, byte* buffer, nuint size);
}
