using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>
/// Sets SIGINT to ignored in this process (what a shell does to a command it starts with <c>&amp;</c>) until disposed,
/// then puts the runtime's own handler back exactly (the whole struct sigaction, flags and mask included).
/// </summary>
internal sealed class IgnoredSignal : IDisposable
{
    private const int SigInt = 2;
    private const int SigactionBytes = 152; // x86-64 and arm64 glibc: handler, flags, restorer, 128-byte mask
    private readonly byte[] _saved = new byte[SigactionBytes];

    private IgnoredSignal()
    {
        var ignore = new byte[SigactionBytes];
        BitConverter.TryWriteBytes(ignore.AsSpan(0, 8), 1L); // SIG_IGN
        if (Sigaction(SigInt, ignore, _saved) != 0)
        {
            throw new InvalidOperationException($"sigaction: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static IgnoredSignal Sigint() => new();

    public void Dispose()
    {
        _ = Sigaction(SigInt, _saved, null);
    }

    [DllImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static extern int Sigaction(int signal, byte[]? action, byte[]? old);
}
