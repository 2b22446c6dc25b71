using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>Attaching programs to cgroups (the target fd is an open cgroup directory). Return 0 or -errno.</summary>
internal static partial class LibBpf
{
    /// <summary>Lets several programs share one hook of a cgroup (ours and the policy's).</summary>
    internal const uint AttachAllowMulti = 1U << 1;

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_prog_attach")]
    internal static partial int ProgramAttach(int programFd, int targetFd, BpfAttachType type, uint flags);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "bpf_prog_detach2")]
    internal static partial int ProgramDetach(int programFd, int targetFd, BpfAttachType type);
}

/// <summary>The cgroup members of the kernel's <c>enum bpf_attach_type</c> (numbers from linux/bpf.h).</summary>
public enum BpfAttachType
{
    CgroupInetIngress = 0,
    CgroupInetEgress = 1,
    CgroupInetSockCreate = 2,
    CgroupInet4Bind = 8,
    CgroupInet4Connect = 10,
    CgroupUdp4Sendmsg = 14,
    CgroupUdp4Recvmsg = 19,
    CgroupInet4Getpeername = 29,
}
