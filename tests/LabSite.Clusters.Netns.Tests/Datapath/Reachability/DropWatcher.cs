using System.Collections.Concurrent;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>
/// Follows a lab's flow ring and hands each drop event to the probe whose packet it was, matched by 5-tuple
/// (for ICMP: addresses and type). A denied probe thus learns its verdict and drop reason as soon as the datapath
/// drops its first packet, instead of waiting out a timeout.
/// </summary>
public sealed class DropWatcher : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Flow>> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly FlowRing _ring;

    public DropWatcher(FlowRing ring)
    {
        _ring = ring;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = Task.Run(async () =>
        {
            try
            {
                var events = ring.FollowAsync(FlowFilterSet.All, 0, _stop.Token).GetAsyncEnumerator(_stop.Token);
                // The subscription registers on the first MoveNextAsync; with no history it then waits.
                var next = events.MoveNextAsync();
                ready.SetResult();
                while (await next)
                {
                    if (events.Current.Record?.Flow is { EventType.Type: MonitorEventType.Drop } flow && KeyOf(flow) is { } key
                        && _waiting.TryGetValue(key, out var probe))
                    {
                        probe.TrySetResult(flow);
                    }
                    next = events.MoveNextAsync();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        ready.Task.Wait();
    }

    public static string Key(ProbeProtocol protocol, string source, int sourcePort, string destination, int port) =>
        protocol == ProbeProtocol.ICMP ? $"ICMP {source} {destination} {port}" : $"{protocol} {source}:{sourcePort} {destination}:{port}";

    private static string? KeyOf(Flow flow) => flow switch
    {
        { IP: { } ip, L4.TCP: { } tcp } => Key(ProbeProtocol.TCP, ip.Source, (int)tcp.SourcePort, ip.Destination, (int)tcp.DestinationPort),
        { IP: { } ip, L4.UDP: { } udp } => Key(ProbeProtocol.UDP, ip.Source, (int)udp.SourcePort, ip.Destination, (int)udp.DestinationPort),
        { IP: { } ip, L4.ICMPv4: { } icmp } => Key(ProbeProtocol.ICMP, ip.Source, 0, ip.Destination, (int)icmp.Type),
        _ => null,
    };

    /// <summary>Completes with the drop of a packet of <paramref name="key"/>; call <see cref="Forget"/> when done.</summary>
    public Task<Flow> Expect(string key) =>
        _waiting.GetOrAdd(key, _ => new TaskCompletionSource<Flow>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(string key) => _waiting.TryRemove(key, out _);

    /// <summary>
    /// A drop of <paramref name="key"/> already in the ring since <paramref name="since"/>: the follower may have lost
    /// flows when its buffer was full (Hubble's lost events), the ring keeps the last 4095.
    /// </summary>
    public Flow? FindInHistory(string key, Timestamp since) =>
        _ring.History(last: null, since: since)
            .Select(r => r.Flow)
            .LastOrDefault(f => f.EventType?.Type == MonitorEventType.Drop && KeyOf(f) == key);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
