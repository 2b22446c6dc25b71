using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Flows;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// Moves datapath events into the lab's flow ring: one background thread polls the ring buffer, decodes each
/// record into a flow and writes it to <see cref="FlowRing"/>. A record that fails to decode is counted and
/// skipped, never allowed to stop the pump. Stops on dispose (bounded: the poll wakes every 100 ms).
/// </summary>
public sealed class FlowPump : IDisposable
{
    /// <summary>
    /// After a poll that found records, the pump lets the next ones gather for this long. Polling again at once
    /// keeps the consumer caught up, so the kernel notifies it for nearly every event (about ten per TCP
    /// connection); those wakeups, charged to the pods' own packets, cost more than the rest of the policy path
    /// (NetnsBench connrate under load: 182 vs 115 µs of CPU per connection). The ring (1 MiB, ~16k events)
    /// holds far more than a batch; flows reach the lab's ring at most this much later.
    /// </summary>
    public const int BatchMilliseconds = 5;

    private readonly BpfFd _fd;
    private readonly BpfRingBuffer _ring;
    private readonly FlowDecoder _decoder;
    private readonly FlowRing _flows;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _decoded;
    private long _errors;

    public FlowPump(string eventsPinPath, FlowDecoder decoder, FlowRing flows)
    {
        _decoder = decoder;
        _flows = flows;
        _fd = BpfPins.Open(eventsPinPath);
        _ring = new BpfRingBuffer(_fd.Value, OnRecord, eventsPinPath);
        _thread = new Thread(Run) { IsBackground = true, Name = "flow-pump " + Path.GetFileName(Path.GetDirectoryName(eventsPinPath)) };
        _thread.Start();
    }

    public long Decoded => Interlocked.Read(ref _decoded);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last decode error, for diagnostics.</summary>
    public string? LastError { get; private set; }

    private void Run()
    {
        while (!_stop)
        {
            try
            {
                if (_ring.Poll(100) > 0)
                {
                    Thread.Sleep(BatchMilliseconds);
                }
            }
            catch (BpfException ex)
            {
                LastError = ex.Message;
                Interlocked.Increment(ref _errors);
                Thread.Sleep(100);
            }
        }
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        try
        {
            var flow = _decoder.Decode(record);
            _flows.Write(new FlowRecord(flow, flow.NodeName, flow.Time));
            Interlocked.Increment(ref _decoded);
        }
        catch (FlowDecodeException ex)
        {
            LastError = ex.Message;
            Interlocked.Increment(ref _errors);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _ring.Stop();
        _thread.Join();
        _ring.Dispose();
        _fd.Dispose();
    }
}
