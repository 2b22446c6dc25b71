using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>A program attached where its section says (tracepoint, LSM hook); detached on dispose.</summary>
public sealed class BpfLink : IDisposable
{
    private nint _link;

    private BpfLink(nint link, string name)
    {
        _link = link;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Attaches by section name (<c>tp/…</c>, <c>lsm/…</c>); a refusal names the program and errno.</summary>
    public static BpfLink Attach(BpfProgram program)
    {
        BpfLog.BeginCapture();
        var link = LibBpf.ProgramAttachAuto(program.Owner.FindProgram(program.Name));
        if (link == 0)
        {
            throw new BpfException("attach", program.ToString(), Marshal.GetLastPInvokeError(), BpfLog.RecentText());
        }

        return new BpfLink(link, program.ToString());
    }

    public void Dispose()
    {
        if (_link != 0)
        {
            LibBpf.LinkDestroy(_link);
            _link = 0;
        }
    }
}
