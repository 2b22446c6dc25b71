namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// A libbpf or bpf syscall failure as one sentence with its stage, object and program, e.g.
/// <c>load bpf_lxc.bpf.o: verifier rejected from_container (EACCES: Permission denied); last log: ...</c>.
/// </summary>
public sealed class BpfException : Exception
{
    public BpfException(string stage, string subject, int errno, string? detail = null)
        : base(Format(stage, subject, errno, detail))
    {
        Stage = stage;
        Errno = Math.Abs(errno);
    }

    /// <summary>open, load, attach, pin, map update ...</summary>
    public string Stage { get; }

    /// <summary>The positive errno.</summary>
    public int Errno { get; }

    private static string Format(string stage, string subject, int errno, string? detail)
    {
        var text = $"{stage} {subject}: {Kernel.Interop.Errno.Describe(errno)}";
        return string.IsNullOrWhiteSpace(detail) ? text : $"{text}; {detail}";
    }
}
