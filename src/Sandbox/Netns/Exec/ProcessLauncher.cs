namespace LabSite.Sandbox.Netns.Exec;

using System.Collections.Concurrent;
using System.Diagnostics;

/// <summary>
/// Starts sandbox processes from one long-lived thread. bwrap's <c>--die-with-parent</c> uses
/// PR_SET_PDEATHSIG, which fires when the parent *thread* that forked it exits — and .NET forks on the
/// calling thread, often a thread-pool thread the pool later retires, which would SIGKILL a running exec.
/// This thread lives as long as the agent, so the signal means what it should: the agent died.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];

    static ProcessLauncher()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "labsite exec launcher" };
        thread.Start();
    }

    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new ClusterException($"exec: could not start {info.FileName}"));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}
