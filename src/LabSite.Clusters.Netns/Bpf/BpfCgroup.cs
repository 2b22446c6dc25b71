using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>Attaches programs to a cgroup-v2 directory (multi-attach, so several programs can share a hook).</summary>
public static class BpfCgroup
{
    /// <summary>Attaches; the program stays attached until detached or the cgroup is removed.</summary>
    public static void Attach(string cgroupPath, BpfProgram program, BpfAttachType type)
    {
        var fd = Libc.Open(cgroupPath, Libc.OpenReadOnly | Libc.OpenDirectory | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            throw new BpfException("open cgroup", cgroupPath, Marshal.GetLastPInvokeError());
        }

        try
        {
            var rc = LibBpf.ProgramAttach(program.Fd, fd, type, LibBpf.AttachAllowMulti);
            if (rc < 0)
            {
                throw new BpfException("attach", $"{program} to cgroup {cgroupPath} as {type}", rc);
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public static void Detach(string cgroupPath, BpfProgram program, BpfAttachType type)
    {
        var fd = Libc.Open(cgroupPath, Libc.OpenReadOnly | Libc.OpenDirectory | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            throw new BpfException("open cgroup", cgroupPath, Marshal.GetLastPInvokeError());
        }

        try
        {
            var rc = LibBpf.ProgramDetach(program.Fd, fd, type);
            if (rc < 0)
            {
                throw new BpfException("detach", $"{program} from cgroup {cgroupPath}", rc);
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
