namespace LabSite.Clusters.Netns.Bpf;

/// <summary>The kernel's verifier refused a program: its name, the errno and the verifier's log as the kernel wrote it.</summary>
public sealed class BpfVerifierException(string file, string program, int errno, string log)
    : Exception($"load {file}: the verifier rejected program {program}: {Kernel.Interop.Errno.Describe(Math.Abs(errno))}")
{
    public string Program { get; } = program;

    public int Errno { get; } = Math.Abs(errno);

    public string Log { get; } = log;
}
