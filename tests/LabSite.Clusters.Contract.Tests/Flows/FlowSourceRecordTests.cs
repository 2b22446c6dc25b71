using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

/// <summary>Records kept in a producer's compact form (<see cref="FlowSource"/>) and built when read.</summary>
public class FlowSourceRecordTests
{
    private sealed class CountingSource(int i) : FlowSource
    {
        public int Builds;

        public override Timestamp Time => new(2000 + i, 0);

        public override Flow Build()
        {
            Interlocked.Increment(ref Builds);
            return new Flow { Time = Time, Uuid = $"s{i}", Verdict = i % 2 == 0 ? Verdict.FORWARDED : Verdict.DROPPED };
        }
    }

    [Fact]
    public void The_ring_builds_a_source_for_its_observer_without_keeping_it_and_readers_share_one_built_flow()
    {
        var observed = new List<Flow>();
        var ring = new FlowRing(capacity: 4) { Observer = observed.Add };
        var sources = Enumerable.Range(0, 3).Select(i => new CountingSource(i)).ToList();
        foreach (var s in sources)
        {
            ring.Write(new FlowRecord(s, "node-1"));
        }

        Assert.Equal(["s0", "s1", "s2"], observed.Select(f => f.Uuid));
        var record = ring.History(last: 1).Single();
        Assert.Equal(("node-1", new Timestamp(2002, 0), new Timestamp(2002, 0)), (record.NodeName, record.Time, record.FlowTime));
        Assert.Same(record.Flow, record.Flow);
        Assert.Same(record.Flow, ring.History(last: 1).Single().Flow);
        Assert.NotSame(observed[2], record.Flow); // the observer's copy was not kept: the ring held the compact form
        Assert.Equal(2, sources[2].Builds); // once for the observer, once for the readers
    }

    [Fact]
    public void Filters_and_time_bounds_see_built_flows_and_keep_only_what_matched()
    {
        var ring = new FlowRing();
        var sources = Enumerable.Range(0, 6).Select(i => new CountingSource(i)).ToList();
        foreach (var s in sources)
        {
            ring.Write(new FlowRecord(s, "node-1"));
        }

        var dropped = new FlowFilterBuilder().Add("verdict", "DROPPED").Build();
        var matched = ring.History(dropped, last: null, since: new Timestamp(2001, 0), until: new Timestamp(2004, 0));

        Assert.Equal(["s1", "s3"], matched.Select(r => r.Flow.Uuid));
        Assert.Equal([0, 1, 1, 1, 1, 0], sources.Select(s => s.Builds)); // outside the time bounds: never built
        Assert.Equal(["s1", "s3", "s5"], ring.History(dropped, last: null).Select(r => r.Flow.Uuid));
        Assert.Equal(1, sources[1].Builds); // kept from the first read
    }

    [Fact]
    public async Task A_follower_gets_the_flow_its_filter_matched()
    {
        var ring = new FlowRing();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var e = ring.FollowAsync(null, 0, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = e.MoveNextAsync();
        var source = new CountingSource(7);
        ring.Write(new FlowRecord(source, "node-2"));

        Assert.True(await next);
        Assert.Equal(("s7", "node-2"), (e.Current.Record!.Flow.Uuid, e.Current.Record.NodeName));
        Assert.Equal(1, source.Builds);
        await cts.CancelAsync();
    }

    [Fact]
    public void Equality_and_hash_code_stay_the_same_when_the_flow_is_built()
    {
        var source = new CountingSource(1);
        var record = new FlowRecord(source, "node-1");
        var twin = new FlowRecord(source, "node-1");
        var hash = record.GetHashCode();

        _ = record.Flow;

        Assert.Equal(hash, record.GetHashCode());
        Assert.Equal(twin, record);
        Assert.NotEqual(new FlowRecord(new CountingSource(1), "node-1"), record);
        var flow = new Flow();
        Assert.Equal(new FlowRecord(flow, "n", default), new FlowRecord(flow, "n", default));
        Assert.NotEqual(new FlowRecord(new Flow(), "n", default), new FlowRecord(flow, "n", default));
    }

    [Fact]
    public void A_record_needs_a_flow_or_a_source()
    {
        Assert.Throws<ArgumentNullException>(() => new FlowRecord((FlowSource)null!, "node"));
        Assert.Throws<ArgumentNullException>(() => new FlowRecord((Flow)null!, "node", default));
    }
}
