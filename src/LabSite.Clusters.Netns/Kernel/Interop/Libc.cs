using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Kernel.Interop;

/// <summary>The few libc calls the netns backend needs: namespaces, descriptors, signals. -1 + errno on failure.</summary>
internal static partial class Libc
{
    internal const int CloneNewNet = 0x40000000;
    internal const int OpenReadOnly = 0;
    internal const int OpenCloseOnExec = 0x80000;
    internal const int OpenDirectory = 0x10000;

    [LibraryImport(Libraries.LibC, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(int fd, int nsType);

    [LibraryImport(Libraries.LibC, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Libraries.LibC, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    [LibraryImport(Libraries.LibC, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Libraries.LibC, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int cmd, int arg);

    internal const int FcntlDupCloseOnExec = 1030;

    [LibraryImport(Libraries.LibC, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    internal const int SigInt = 2;
    internal const int SigKill = 9;
    internal const int SigTerm = 15;

    [LibraryImport(Libraries.LibC, EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial uint IfNameToIndex(string name);

    internal const int OpenReadWrite = 2;
    internal const int OpenNoControllingTerminal = 0x100;

    // Generic Linux ioctl numbers (x86_64 and arm64 agree): unlock a pty, its number, its window size.
    internal const uint IoctlSetPtyLock = 0x40045431;
    internal const uint IoctlGetPtyNumber = 0x80045430;
    internal const uint IoctlSetWindowSize = 0x5414;

    [LibraryImport(Libraries.LibC, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, ref int arg);

    [LibraryImport(Libraries.LibC, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, ref WindowSize arg);

    /// <summary>struct winsize.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport(Libraries.LibC, EntryPoint = "gettid")]
    internal static partial int GetTid();
}
