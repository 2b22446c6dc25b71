using LabSite.Clusters.Netns.Proxy.Listener;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

public class PhaseDeadlineTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    private static async Task<bool> CancelledWithinAsync(CancellationToken token, TimeSpan bound)
    {
        try
        {
            await Task.Delay(bound, token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    [Fact]
    public async Task A_phase_whose_time_is_up_cancels_the_token()
    {
        using var deadline = new PhaseDeadline(CancellationToken.None);
        deadline.Set(TimeSpan.FromMilliseconds(20));
        Assert.True(await CancelledWithinAsync(deadline.Token, s_bound));
    }

    [Fact]
    public async Task An_earlier_deadline_after_a_later_one_still_fires()
    {
        using var deadline = new PhaseDeadline(CancellationToken.None);
        deadline.Set(TimeSpan.FromHours(1));
        deadline.Set(TimeSpan.FromMilliseconds(20));
        Assert.True(await CancelledWithinAsync(deadline.Token, s_bound));
    }

    [Fact]
    public async Task A_phase_that_moved_on_is_not_cancelled_at_the_old_deadline()
    {
        using var deadline = new PhaseDeadline(CancellationToken.None);
        deadline.Set(TimeSpan.FromMilliseconds(20));
        deadline.Set(TimeSpan.FromHours(1));
        // The timer still fires at the old deadline; it must re-arm for the new one rather than cancel.
        Assert.False(await CancelledWithinAsync(deadline.Token, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Stop_cancels_the_token_whatever_the_phase()
    {
        using var stop = new CancellationTokenSource();
        using var deadline = new PhaseDeadline(stop.Token);
        deadline.Set(Timeout.InfiniteTimeSpan);
        await stop.CancelAsync();
        Assert.True(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task Phases_moved_while_timers_fire_end_with_the_last_deadline_firing()
    {
        // Many phases set while earlier timers fire: whatever came in between (an infinite phase, a long one), each
        // token must be cancelled after its last, short deadline.
        var deadlines = Enumerable.Range(0, 200).Select(_ => new PhaseDeadline(CancellationToken.None)).ToArray();
        try
        {
            await Parallel.ForEachAsync(deadlines, async (deadline, _) =>
            {
                for (var i = 0; i < 50; i++)
                {
                    // The timer fires about now and finds no deadline: it disarms while the next Set arrives.
                    deadline.Set(TimeSpan.FromMilliseconds(1));
                    deadline.Set(Timeout.InfiniteTimeSpan);
                    Thread.SpinWait(Random.Shared.Next(20_000));
                    deadline.Set(TimeSpan.FromHours(1));
                    await Task.Yield();
                }
                deadline.Set(TimeSpan.FromMilliseconds(5));
            });
            foreach (var deadline in deadlines)
            {
                Assert.True(await CancelledWithinAsync(deadline.Token, s_bound));
            }
        }
        finally
        {
            foreach (var deadline in deadlines)
            {
                deadline.Dispose();
            }
        }
    }
}
