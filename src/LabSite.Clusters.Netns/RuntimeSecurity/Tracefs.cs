using System.Runtime.InteropServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.RuntimeSecurity;

/// <summary>
/// The sensor's tracepoints are found by name under tracefs, which a minimal host (a container, a fresh VM without
/// systemd) may not have mounted; the agent mounts it, as the Cilium and Tetragon agents mount what they need.
/// </summary>
internal static class Tracefs
{
    public const string MountPoint = "/sys/kernel/tracing";

    /// <summary>Mounts tracefs at its usual place unless its events are already there.</summary>
    public static void EnsureMounted()
    {
        if (Directory.Exists(Path.Combine(MountPoint, "events")))
        {
            return;
        }

        if (Libc.Mount("tracefs", MountPoint, "tracefs", 0, null) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (!Directory.Exists(Path.Combine(MountPoint, "events")))
            {
                throw new ClusterException($"runtime security: tracefs is not mounted at {MountPoint} and mounting it failed ({Errno.Name(errno)}); mount it: mount -t tracefs tracefs {MountPoint}");
            }
        }
    }
}
