namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// The process-wide budget of proxy connections that run on threads of their own (<see cref="BlockingSocketStream"/>).
/// A thread is held while its connection lives, idle keep-alive time included, so the budget bounds what many labs'
/// connections can take from the host; beyond it, connections run on the thread pool as before.
/// </summary>
internal static class DedicatedConnectionThreads
{
    public const int ProcessLimit = 256;

    /// <summary>Small: the proxy's frames are shallow (no recursion; regexes use the heap).</summary>
    public const int StackBytes = 256 * 1024;

    private static int s_inUse;

    public static int InUse => Volatile.Read(ref s_inUse);

    public static bool TryTake()
    {
        while (true)
        {
            var now = Volatile.Read(ref s_inUse);
            if (now >= ProcessLimit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref s_inUse, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    public static void Return() => Interlocked.Decrement(ref s_inUse);
}
