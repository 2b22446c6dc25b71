using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>Auto-attach by section name (tracepoints, LSM hooks) and the resulting links.</summary>
internal static partial class LibBpf
{
    /// <summary><c>struct bpf_link *bpf_program__attach(const struct bpf_program *)</c>; NULL and errno on failure.</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_program__attach", SetLastError = true)]
    internal static partial nint ProgramAttachAuto(nint prog);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_link__destroy")]
    internal static partial int LinkDestroy(nint link);
}
