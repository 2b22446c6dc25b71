using System.Runtime.InteropServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Kernel;

/// <summary>
/// Runs work inside a network namespace on a dedicated OS thread (.NET threads are OS threads), which
/// setns()es and then ends, so no pooled thread is ever left in a lab's namespace. Sockets created there
/// stay in that namespace for life and can be served by async code from any thread.
/// </summary>
public static class NetnsThread
{
    /// <summary>Runs <paramref name="work"/> with the calling thread inside <paramref name="netnsPath"/> (e.g. /run/netns/ls-lab1-node).</summary>
    public static Task<T> RunAsync<T>(string netnsPath, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Enter(netnsPath);
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "netns " + Path.GetFileName(netnsPath),
        };
        thread.Start();
        return done.Task;
    }

    public static Task RunAsync(string netnsPath, Action work) => RunAsync(netnsPath, () =>
    {
        work();
        return true;
    });

    /// <summary>Sets a sysctl of that namespace (/proc/sys/net is resolved against the opening thread's namespace).</summary>
    public static Task WriteSysctlsAsync(string netnsPath, IReadOnlyDictionary<string, string> values) => RunAsync(netnsPath, () =>
    {
        foreach (var (key, value) in values)
        {
            File.WriteAllText("/proc/sys/" + key.Replace('.', '/'), value);
        }
    });

    private static void Enter(string netnsPath)
    {
        var fd = Libc.Open(netnsPath, Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            throw new ClusterException($"open network namespace {netnsPath}: {Errno.Describe(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            if (Libc.SetNs(fd, Libc.CloneNewNet) < 0)
            {
                throw new ClusterException($"enter network namespace {netnsPath}: {Errno.Describe(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
