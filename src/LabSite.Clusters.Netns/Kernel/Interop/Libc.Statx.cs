using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Kernel.Interop;

/// <summary>statx(2), for inode numbers (a cgroup-v2 directory's inode is its cgroup id; a netns file's is the namespace's).</summary>
internal static unsafe partial class Libc
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;

    /// <summary><c>stx_ino</c> sits at byte 32 of <c>struct statx</c> (256 bytes).</summary>
    private const int StatxInoOffset = 32;

    [LibraryImport(Libraries.LibC, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The inode number of <paramref name="path"/> (symlinks followed).</summary>
    internal static ulong Inode(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"statx {path}: {Errno.Describe(errno)}", errno);
        }

        return *(ulong*)(buffer + StatxInoOffset);
    }
}
