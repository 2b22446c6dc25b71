using System.Collections.Concurrent;
using System.Diagnostics;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// Starts sandbox processes from a few long-lived threads. bwrap's <c>--die-with-parent</c> uses
/// PR_SET_PDEATHSIG, which fires when the parent *thread* that forked it exits — and .NET forks on the
/// calling thread, often a thread-pool thread the pool later retires, which would SIGKILL a running exec.
/// These threads live as long as the agent, so the signal means what it should: the agent died.
/// Several of them, because a fork from a large process is not free and a workshop starts many execs at once.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> s_requests = [];

    private const int Threads = 4;

    static ProcessLauncher()
    {
        for (var i = 0; i < Threads; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"labsite exec launcher {i}" }.Start();
        }
    }

    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_requests.Add((info, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach (var (info, started) in s_requests.GetConsumingEnumerable())
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
