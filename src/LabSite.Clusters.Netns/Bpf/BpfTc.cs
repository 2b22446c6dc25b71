using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// tc clsact attachment (where Cilium puts from-container/to-container). libbpf uses a netlink socket
/// of the calling thread's network namespace: call these inside <c>NetnsThread.Run</c> for the
/// interface's namespace.
/// </summary>
public static unsafe class BpfTc
{
    private const uint ReplaceFlag = 1;
    private const int EEXIST = 17;

    /// <summary>Creates the clsact qdisc if missing and attaches (or replaces) the program at handle/priority.</summary>
    public static void Attach(int ifIndex, TcAttachPoint point, BpfProgram program, uint handle = 1, uint priority = 1)
    {
        var hook = new TcHook { Size = (nuint)sizeof(TcHook), IfIndex = ifIndex, AttachPoint = point };
        var rc = LibBpf.TcHookCreate(&hook);
        // An existing clsact qdisc (from an earlier program on this interface) is fine to share.
        if (rc < 0 && -rc != EEXIST)
        {
            throw new BpfException("create tc hook", $"ifindex {ifIndex} {point}", rc);
        }

        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), ProgramFd = program.Fd, Flags = ReplaceFlag, Handle = handle, Priority = priority };
        rc = LibBpf.TcAttach(&hook, &opts);
        if (rc < 0)
        {
            throw new BpfException("attach", $"{program} to tc {point} of ifindex {ifIndex}", rc);
        }
    }

    /// <summary>Detaches the filter at handle/priority; false when none was there.</summary>
    public static bool Detach(int ifIndex, TcAttachPoint point, uint handle = 1, uint priority = 1)
    {
        var hook = new TcHook { Size = (nuint)sizeof(TcHook), IfIndex = ifIndex, AttachPoint = point };
        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), Handle = handle, Priority = priority };
        var rc = LibBpf.TcDetach(&hook, &opts);
        if (rc == -2)
        {
            return false;
        }

        return rc >= 0 ? true : throw new BpfException("detach", $"tc {point} of ifindex {ifIndex}", rc);
    }

    /// <summary>The id of the program attached at handle/priority, or null.</summary>
    public static uint? QueryProgramId(int ifIndex, TcAttachPoint point, uint handle = 1, uint priority = 1)
    {
        var hook = new TcHook { Size = (nuint)sizeof(TcHook), IfIndex = ifIndex, AttachPoint = point };
        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), Handle = handle, Priority = priority };
        var rc = LibBpf.TcQuery(&hook, &opts);
        return rc == 0 ? opts.ProgramId : null;
    }
}
