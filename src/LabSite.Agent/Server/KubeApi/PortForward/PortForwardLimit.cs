using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi.PortForward;

/// <summary>
/// How many port-forward connections a lab holds open at once: each holds a WebSocket, a pod connection and two
/// copy loops, and this is a public site, so a learner (or a script) opening thousands is refused, not served.
/// </summary>
internal static class PortForwardLimit
{
    public const int MaxPerLab = 16;

    private static readonly ConditionalWeakTable<ILabCluster, StrongBox<int>> s_open = [];

    /// <summary>A slot for one more forward in <paramref name="lab"/>, null when all are taken; dispose it to give it back.</summary>
    public static IDisposable? TryTake(ILabCluster lab)
    {
        var count = s_open.GetValue(lab, _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) > MaxPerLab)
        {
            Interlocked.Decrement(ref count.Value);
            return null;
        }
        return new Slot(count);
    }

    private sealed class Slot(StrongBox<int> count) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref count.Value);
            }
        }
    }
}
