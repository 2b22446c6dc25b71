using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// Consumes a BPF_MAP_TYPE_RINGBUF map. <see cref="Poll"/> calls the handler synchronously for each
/// record, on the polling thread; the span is valid only during the call (copy what you keep).
/// Not thread-safe: one poller per ring.
/// </summary>
public sealed unsafe class BpfRingBuffer : IDisposable
{
    private readonly GCHandle _self;
    private readonly RecordHandler _handler;
    private nint _ring;
    private volatile bool _stopped;

    /// <summary>-EINTR: a poll interrupted by a signal, or by <see cref="Stop"/>; both end the poll without error.</summary>
    private const int Interrupted = -4;

    public delegate void RecordHandler(ReadOnlySpan<byte> record);

    public BpfRingBuffer(int mapFd, RecordHandler handler, string name)
    {
        this._handler = handler;
        _self = GCHandle.Alloc(this);
        _ring = LibBpf.RingBufferNew(mapFd, &OnSample, GCHandle.ToIntPtr(_self), 0);
        if (_ring == 0)
        {
            _self.Free();
            throw new BpfException("open ring buffer", name, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for records; returns how many were handled (0 once stopped).</summary>
    public int Poll(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_ring == 0, this);
        var rc = LibBpf.RingBufferPoll(_ring, timeoutMs);
        return rc == Interrupted ? 0 : rc < 0 ? throw new BpfException("poll", "ring buffer", rc) : rc;
    }

    /// <summary>
    /// Makes a running <see cref="Poll"/> return at the next record. libbpf keeps consuming for as long as the
    /// producer keeps writing, so a poller told to stop while a pod floods the ring could otherwise never return.
    /// Safe from any thread.
    /// </summary>
    public void Stop() => _stopped = true;

    public void Dispose()
    {
        if (_ring != 0)
        {
            LibBpf.RingBufferFree(_ring);
            _ring = 0;
            _self.Free();
        }
    }

    [UnmanagedCallersOnly]
    private static int OnSample(nint ctx, nint data, nuint size)
    {
        try
        {
            var rb = (BpfRingBuffer)GCHandle.FromIntPtr(ctx).Target!;
            if (rb._stopped)
            {
                return Interrupted; // libbpf leaves this record unconsumed and returns from the poll
            }
            rb._handler(new ReadOnlySpan<byte>((void*)data, (int)size));
            return 0;
        }
        catch (Exception)
        {
            // Exceptions cannot cross into libbpf; skip the record (the datapath skips too when full).
            return 0;
        }
    }
}
