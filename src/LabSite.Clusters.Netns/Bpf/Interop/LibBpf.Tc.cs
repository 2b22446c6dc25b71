using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>
/// tc (clsact) hooks via libbpf's netlink helpers. They talk to the network namespace of the calling
/// thread, so callers run them on a thread that has entered the interface's namespace.
/// Return 0 or a negative errno.
/// </summary>
internal static unsafe partial class LibBpf
{
    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_tc_hook_create")]
    internal static partial int TcHookCreate(TcHook* hook);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_tc_hook_destroy")]
    internal static partial int TcHookDestroy(TcHook* hook);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_tc_attach")]
    internal static partial int TcAttach(TcHook* hook, TcOpts* opts);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_tc_detach")]
    internal static partial int TcDetach(TcHook* hook, TcOpts* opts);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_tc_query")]
    internal static partial int TcQuery(TcHook* hook, TcOpts* opts);
}

/// <summary><c>struct bpf_tc_hook</c>: size_t sz; int ifindex; enum attach_point; __u32 parent; size_t :0 (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
internal struct TcHook
{
    public nuint Size;
    public int IfIndex;
    public TcAttachPoint AttachPoint;
    public uint Parent;
}

/// <summary><c>struct bpf_tc_opts</c>: size_t sz; int prog_fd; __u32 flags, prog_id, handle, priority; size_t :0 (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal struct TcOpts
{
    public nuint Size;
    public int ProgramFd;
    public uint Flags;
    public uint ProgramId;
    public uint Handle;
    public uint Priority;
}

/// <summary><c>enum bpf_tc_attach_point</c>.</summary>
public enum TcAttachPoint
{
    Ingress = 1 << 0,
    Egress = 1 << 1,
}
