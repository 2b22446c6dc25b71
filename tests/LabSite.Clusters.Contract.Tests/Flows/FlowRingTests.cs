using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class FlowRingTests
{
    private static FlowRecord R(int i) => new(new Flow { Time = new Timestamp(1000 + i, 0), Uuid = $"f{i}", Verdict = i % 2 == 0 ? Verdict.FORWARDED : Verdict.DROPPED }, "node", new Timestamp(1000 + i, 0));

    [Fact]
    public void Keeps_the_last_capacity_flows_oldest_first()
    {
        var ring = new FlowRing(capacity: 5);
        for (var i = 0; i < 8; i++)
        {
            ring.Write(R(i));
        }
        Assert.Equal(["f3", "f4", "f5", "f6", "f7"], ring.History(last: null).Select(r => r.Flow.Uuid));
        Assert.Equal(["f6", "f7"], ring.History(last: 2).Select(r => r.Flow.Uuid));
        Assert.Equal(["f3"], ring.History(first: 1, last: null).Select(r => r.Flow.Uuid));
        Assert.Equal(3, ring.Overwritten);
        Assert.Equal(FlowRing.DefaultCapacity, new FlowRing().Capacity);
    }

    [Fact]
    public void History_filters_and_time_bounds()
    {
        var ring = new FlowRing();
        for (var i = 0; i < 10; i++)
        {
            ring.Write(R(i));
        }
        var dropped = new FlowFilterBuilder().Add("verdict", "DROPPED").Build();
        Assert.Equal(["f1", "f3", "f5", "f7", "f9"], ring.History(dropped).Select(r => r.Flow.Uuid));
        Assert.Equal(["f3", "f5"], ring.History(dropped, since: new Timestamp(1002, 0), until: new Timestamp(1005, 0)).Select(r => r.Flow.Uuid));
    }

    [Fact]
    public async Task Follow_yields_history_then_live_flows_and_reports_losses()
    {
        var ring = new FlowRing(capacity: 100, subscriberBuffer: 2);
        ring.Write(R(0));
        using var cts = new CancellationTokenSource();
        await using var e = ring.FollowAsync(null, 5, cts.Token).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("f0", e.Current.Record!.Flow.Uuid);
        // The follower is registered once it has started: 2 fit its buffer, the next 3 are lost.
        for (var i = 1; i <= 5; i++)
        {
            ring.Write(R(i));
        }
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("f1", e.Current.Record!.Flow.Uuid);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("f2", e.Current.Record!.Flow.Uuid);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal(new LostEvents(LostEvents.ObserverQueue, 3), e.Current.Lost);
        ring.Write(R(6));
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("f6", e.Current.Record!.Flow.Uuid);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await e.MoveNextAsync());
    }
}
