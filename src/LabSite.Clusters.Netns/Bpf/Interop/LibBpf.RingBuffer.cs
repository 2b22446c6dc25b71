using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>
/// BPF ring buffer consumer. <c>sample</c> is called from inside <see cref="RingBufferPoll"/> on the
/// polling thread: <c>int sample(void *ctx, void *data, size_t size)</c>; a negative return stops polling.
/// </summary>
internal static unsafe partial class LibBpf
{
    [LibraryImport(Libraries.LibBpf, EntryPoint = "ring_buffer__new", SetLastError = true)]
    internal static partial nint RingBufferNew(int mapFd, delegate* unmanaged<nint, nint, nuint, int> sample, nint ctx, nint opts);

    /// <summary>Returns the number of records consumed or a negative errno (-EINTR is harmless).</summary>
    [LibraryImport(Libraries.LibBpf, EntryPoint = "ring_buffer__poll")]
    internal static partial int RingBufferPoll(nint rb, int timeoutMs);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "ring_buffer__consume")]
    internal static partial int RingBufferConsume(nint rb);

    [LibraryImport(Libraries.LibBpf, EntryPoint = "ring_buffer__free")]
    internal static partial void RingBufferFree(nint rb);
}
