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

    [LibraryImport(Libraries.LibC, EntryPoint = "gettid")]
    internal static partial int GetTid();
}
