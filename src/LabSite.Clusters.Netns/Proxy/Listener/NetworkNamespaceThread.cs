using System.Collections.Concurrent;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// A dedicated thread that has entered one network namespace and runs short jobs there, chiefly creating sockets
/// (a socket belongs to the namespace of the thread that created it). setns changes only the calling thread, so
/// doing it on our own thread never moves a pool thread, and the thread is never returned to any pool.
/// </summary>
public sealed class NetworkNamespaceThread : IDisposable
{
    private readonly BlockingCollection<Action> _jobs = new();
    private readonly Thread _thread;

    /// <summary>Enters the namespace at <paramref name="netnsPath"/> (e.g. <c>/run/netns/lab1</c> or <c>/proc/PID/ns/net</c>).</summary>
    public NetworkNamespaceThread(string netnsPath)
    {
        Path = netnsPath;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Run(ready)) { IsBackground = true, Name = $"netns {netnsPath}" };
        _thread.Start();
        ready.Task.GetAwaiter().GetResult();
    }

    public string Path { get; }

    /// <summary>Runs <paramref name="job"/> inside the namespace and returns its result (exceptions propagate).</summary>
    public Task<T> RunAsync<T>(Func<T> job)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add(() =>
        {
            try
            {
                done.SetResult(job());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public T Run<T>(Func<T> job) => RunAsync(job).GetAwaiter().GetResult();

    private void Run(TaskCompletionSource ready)
    {
        var fd = Libc.Open(Path, Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            ready.SetException(new InvalidOperationException($"open {Path}: {Errno.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}"));
            return;
        }

        var rc = Libc.SetNs(fd, Libc.CloneNewNet);
        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        Libc.Close(fd);
        if (rc != 0)
        {
            ready.SetException(new InvalidOperationException($"setns {Path}: {Errno.Describe(errno)}"));
            return;
        }

        ready.SetResult();
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            job();
        }
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        _thread.Join();
        _jobs.Dispose();
    }
}
