using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>A loaded program of a <see cref="BpfObject"/>; its descriptor lives as long as the object.</summary>
public sealed class BpfProgram
{
    private readonly nint _raw;

    internal BpfProgram(BpfObject owner, string name, int fd, nint raw)
    {
        Owner = owner;
        Name = name;
        Fd = fd;
        this._raw = raw;
    }

    public BpfObject Owner { get; }

    public string Name { get; }

    public int Fd { get; }

    /// <summary>Pins the program in bpffs (the directory must exist), so bpftool and a restarted agent see it.</summary>
    public void Pin(string path)
    {
        var rc = LibBpf.ProgramPin(_raw, path);
        if (rc < 0)
        {
            throw new BpfException("pin", $"{Owner.FileName} program {Name} at {path}", rc);
        }
    }

    public override string ToString() => $"{Owner.FileName}:{Name}";
}
