using LabSite.Clusters.Contract;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

/// <summary>Applies from several threads: every change delivered once, in resourceVersion order, one handler call at a time.</summary>
public class ConcurrentApplyTests
{
    [Fact]
    public async Task Parallel_applies_deliver_each_change_once_in_order_never_concurrently()
    {
        var store = NewStore();
        var versions = new List<long>();
        var inside = 0;
        var overlapped = false;
        using var _ = store.Subscribe(change =>
        {
            overlapped |= Interlocked.Increment(ref inside) > 1;
            versions.Add(long.Parse((string)change.Object.Json["metadata"]!["resourceVersion"]!));
            Interlocked.Decrement(ref inside);
        }, replayExisting: false);

        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                var result = store.Apply(Yaml($"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{t}-{i}}}\ndata: {{n: \"{i}\"}}\n"), ApplyMode.Create);
                Assert.True(result.Succeeded);
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.False(overlapped);
        Assert.Equal(200, store.Get(new ObjectQuery("cm")).Count);
        Assert.Equal(200, versions.Count);
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }
}
