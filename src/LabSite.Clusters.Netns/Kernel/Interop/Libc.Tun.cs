using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Kernel.Interop;

/// <summary>TUN devices: open <c>/dev/net/tun</c>, name the device (TUNSETIFF), read and write whole packets, poll.</summary>
internal static partial class Libc
{
    internal const int OpenNonBlocking = 0x800;
    internal const uint IoctlTunSetInterface = 0x400454ca;
    internal const short TunDevice = 0x0001;
    internal const short TunNoPacketInfo = 0x1000;
    internal const short PollIn = 0x1;

    /// <summary>struct ifreq as TUNSETIFF reads it: the name, then the flags (the union is 24 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    internal unsafe struct TunRequest
    {
        public fixed byte Name[16];
        public short Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport(Libraries.LibC, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, ref TunRequest arg);

    [LibraryImport(Libraries.LibC, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libraries.LibC, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libraries.LibC, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(ref PollFd fd, nuint count, int timeoutMs);
}

/// <summary>socket(2) for what .NET's <c>Socket</c> constructor cannot open: a raw socket of IP protocol 50 (ESP).</summary>
internal static partial class Libc
{
    internal const int AddressFamilyInet = 2;
    internal const int SocketRaw = 3;
    internal const int SocketCloseOnExec = 0x80000;
    internal const int ProtocolEsp = 50;

    [LibraryImport(Libraries.LibC, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);
}
