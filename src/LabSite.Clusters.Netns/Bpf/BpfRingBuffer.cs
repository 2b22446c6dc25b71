namespace LabSite.Clusters.Netns.Bpf;

using LabSite.Clusters.Contract;
using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>
/// Consumes a BPF_MAP_TYPE_RINGBUF map. <see cref="Poll"/> calls the handler synchronously for each
/// record, on the polling thread; the span is valid only during the call (copy what you keep).
/// Not thread-safe: one poller per ring.
/// </summary>
public sealed unsafe class BpfRingBuffer : IDisposable
{
    private readonly GCHandle self;
    private readonly RecordHandler handler;
    private nint ring;

    public delegate void RecordHandler(ReadOnlySpan<byte> record);

    public BpfRingBuffer(int mapFd, RecordHandler handler, string name)
    {
        this.handler = handler;
        self = GCHandle.Alloc(this);
        ring = LibBpf.RingBufferNew(mapFd, &OnSample, GCHandle.ToIntPtr(self), 0);
        if (ring == 0)
        {
            self.Free();
            throw new BpfException("open ring buffer", name, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for records; returns how many were handled.</summary>
    public int Poll(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(ring == 0, this);
        var rc = LibBpf.RingBufferPoll(ring, timeoutMs);
        return rc == -4 ? 0 : rc < 0 ? throw new BpfException("poll", "ring buffer", rc) : rc;
    }

    public void Dispose()
    {
        if (ring != 0)
        {
            LibBpf.RingBufferFree(ring);
            ring = 0;
            self.Free();
        }
    }

    [UnmanagedCallersOnly]
    private static int OnSample(nint ctx, nint data, nuint size)
    {
        try
        {
            var rb = (BpfRingBuffer)GCHandle.FromIntPtr(ctx).Target!;
            rb.handler(new ReadOnlySpan<byte>((void*)data, (int)size));
            return 0;
        }
        catch (Exception)
        {
            // Exceptions cannot cross into libbpf; skip the record (the datapath skips too when full).
            return 0;
        }
    }
}
