using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>An owned file descriptor of a BPF map, program or link; closed exactly once.</summary>
public sealed class BpfFd : SafeHandle
{
    public BpfFd(int fd)
        : base(-1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    public int Value => (int)handle;

    /// <summary>Takes a private duplicate of a descriptor owned by someone else (e.g. a libbpf object).</summary>
    public static BpfFd Duplicate(int fd, string what)
    {
        var dup = Libc.Fcntl(fd, Libc.FcntlDupCloseOnExec, 0);
        if (dup < 0)
        {
            throw new BpfException("dup", what, Marshal.GetLastPInvokeError());
        }

        return new BpfFd(dup);
    }

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
