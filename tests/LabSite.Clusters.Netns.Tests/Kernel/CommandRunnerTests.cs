using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Tests.Kernel;

/// <summary>Host tools run with a bound: a stuck tool, or a daemon it left holding its output, ends in a clear error.</summary>
public sealed class CommandRunnerTests
{
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Output_error_and_exit_code_come_back_apart_with_stdin_fed()
    {
        var r = await CommandRunner.RunAsync("sh", ["-c", "read line; echo \"got $line\"; echo oops >&2; exit 3"], "hello\n", CancellationToken.None);

        Assert.Equal(new CommandRunner.Result(3, "got hello\n", "oops\n"), r);
    }

    [Fact]
    public async Task A_tool_past_its_limit_is_stopped_and_named()
    {
        var sleep = UniqueSleep();
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            CommandRunner.RunAsync("sh", ["-c", $"{sleep}; echo never"], null, s_short, s_short, CancellationToken.None));

        Assert.Equal($"sh -c {sleep}; echo never did not finish within 0.3 s and was stopped", e.Message);
        Assert.False(await StillRunningAsync(sleep), "the tool's child was left running");
    }

    [Fact]
    public async Task A_daemon_left_holding_the_output_ends_the_wait_with_an_error()
    {
        var sleep = UniqueSleep();
        try
        {
            var e = await Assert.ThrowsAsync<ClusterException>(() =>
                CommandRunner.RunAsync("sh", ["-c", $"{sleep} & echo started"], null, TimeSpan.FromMinutes(1), s_short, CancellationToken.None));

            Assert.Equal($"sh -c {sleep} & echo started exited 0, but a process it started still held its output 0.3 s later", e.Message);
        }
        finally
        {
            await CommandRunner.RunAsync("pkill", ["-f", sleep], null, CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        using var cts = new CancellationTokenSource(s_short);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CommandRunner.RunAsync("sleep", ["60"], null, cts.Token));
    }

    /// <summary>A sleep of about a minute whose command line no other process has.</summary>
    private static string UniqueSleep() => $"sleep 60.{Random.Shared.Next(100_000, 1_000_000)}";

    /// <summary>Whether a process with this command line is alive (killing is asynchronous).</summary>
    private static async Task<bool> StillRunningAsync(string commandLine)
    {
        for (var i = 0; i < 50; i++)
        {
            if ((await CommandRunner.RunAsync("pgrep", ["-fx", commandLine], null, CancellationToken.None)).ExitCode != 0)
            {
                return false;
            }
            await Task.Delay(100);
        }
        return true;
    }
}
