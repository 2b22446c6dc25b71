using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>libbpf's log hook: <c>int print(enum libbpf_print_level, const char *fmt, va_list)</c>.</summary>
internal static unsafe partial class LibBpf
{
    [LibraryImport(Libraries.LibBpf, EntryPoint = "libbpf_set_print")]
    internal static partial nint SetPrint(delegate* unmanaged<int, byte*, nint, int> print);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "libbpf_strerror")]
    internal static partial int StrError(int err, byte* buffer, nuint size);

    /// <summary>
    /// Formats libbpf's message. On x86-64 a va_list parameter is a pointer, so it can be handed on as is;
    /// it is consumed by one call, hence one call into a buffer large enough for a verifier line.
    /// </summary>
    [LibraryImport(Libraries.LibC, EntryPoint = "vsnprintf")]
    internal static partial int VsnPrintf(byte* buffer, nuint size, byte* format, nint args);
}
