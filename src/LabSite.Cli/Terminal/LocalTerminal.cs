using System.Runtime.InteropServices;
using LabSite.Clusters.Contract;

namespace LabSite.Cli.Terminal;

/// <summary>
/// The terminal the CLI runs in, for <c>labsite cluster exec -t</c>: whether stdin is one, its window size, and raw
/// mode (every key, Ctrl-C and Ctrl-D included, goes to the pod's terminal instead of being handled here).
/// </summary>
internal static unsafe partial class LocalTerminal
{
    public const int StandardInput = 0;
    public const int StandardOutput = 1;

    // struct termios is 60 bytes on Linux; a larger opaque buffer keeps us independent of its layout.
    private const int TermiosBytes = 256;
    private const int SetNow = 0; // TCSANOW
    private const nuint GetWindowSize = 0x5413; // TIOCGWINSZ

    public static bool IsTerminal(int fd) => OperatingSystem.IsLinux() && IsTty(fd) == 1;

    /// <summary>The window size of <paramref name="fd"/>'s terminal, null when it is none or reports 0×0.</summary>
    public static TerminalSize? WindowSize(int fd)
    {
        if (!IsTerminal(fd))
        {
            return null;
        }
        Winsize size = default;
        return Ioctl(fd, GetWindowSize, &size) == 0 && size.Columns > 0 && size.Rows > 0 ? new TerminalSize(size.Columns, size.Rows) : null;
    }

    /// <summary>Puts <paramref name="fd"/>'s terminal in raw mode until the result is disposed; null when it is not a terminal.</summary>
    public static IDisposable? EnterRawMode(int fd)
    {
        if (!IsTerminal(fd))
        {
            return null;
        }
        var saved = new byte[TermiosBytes];
        var raw = new byte[TermiosBytes];
        fixed (byte* s = saved)
        fixed (byte* r = raw)
        {
            if (GetAttributes(fd, s) != 0)
            {
                return null;
            }
            saved.CopyTo(raw, 0);
            MakeRaw(r);
            if (SetAttributes(fd, SetNow, r) != 0)
            {
                return null;
            }
        }
        return new Restore(fd, saved);
    }

    private sealed class Restore(int fd, byte[] saved) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done)
            {
                return;
            }
            _done = true;
            fixed (byte* s = saved)
            {
                SetAttributes(fd, SetNow, s);
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Winsize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsTty(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, Winsize* size);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int GetAttributes(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int SetAttributes(int fd, int when, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void MakeRaw(byte* termios);
}
