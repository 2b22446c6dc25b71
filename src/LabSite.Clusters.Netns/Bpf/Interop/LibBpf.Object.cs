using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>libbpf's object API: open a .bpf.o, set pin paths, load, find programs and maps.</summary>
internal static unsafe partial class LibBpf
{
    /// <summary>Returns NULL and sets errno on failure (libbpf 1.x strict mode).</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint ObjectOpenFile(string path, nint opts);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__load")]
    internal static partial int ObjectLoad(nint obj);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__close")]
    internal static partial void ObjectClose(nint obj);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectFindProgramByName(nint obj, string name);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectFindMapByName(nint obj, string name);

    /// <summary>Iterates the object's maps: pass 0 for the first; returns 0 after the last.</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__next_map")]
    internal static partial nint ObjectNextMap(nint obj, nint previous);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_object__next_program")]
    internal static partial nint ObjectNextProgram(nint obj, nint previous);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__fd")]
    internal static partial int ProgramFd(nint prog);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__name")]
    internal static partial byte* ProgramName(nint prog);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__pin", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ProgramPin(nint prog, string path);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__set_autoload")]
    internal static partial int ProgramSetAutoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__fd")]
    internal static partial int MapFd(nint map);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__name")]
    internal static partial byte* MapName(nint map);

    /// <summary>Before load: reuse the map pinned at path if compatible, else create it and pin it there after load.</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__set_pin_path", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MapSetPinPath(nint map, string path);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_map__set_max_entries")]
    internal static partial int MapSetMaxEntries(nint map, uint maxEntries);
}
