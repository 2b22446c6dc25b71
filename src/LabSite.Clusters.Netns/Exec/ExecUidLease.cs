using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// A host-wide claim on the uid a lab's exec'd programs run as. RLIMIT_NPROC counts every process of a uid on the
/// host, so two labs sharing a uid (two backends in one process, an agent beside an in-process host, test runs side
/// by side) would share one process budget, and a fork bomb in one would refuse every fork of the other. The claim is
/// an exclusive lock (flock, which .NET takes for <see cref="FileShare.None"/>) on one file per uid; the kernel drops it
/// when the holder exits, so a crashed host frees its uids without cleanup.
/// </summary>
internal sealed class ExecUidLease : IDisposable
{
    private readonly FileStream _lock;

    private ExecUidLease(int uid, FileStream fileLock)
    {
        Uid = uid;
        _lock = fileLock;
    }

    public int Uid { get; }

    /// <summary>Claims the first free uid of <paramref name="first"/> .. first + count - 1, starting the search at <paramref name="hint"/>.</summary>
    public static ExecUidLease Acquire(string directory, int first, int count, int hint)
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < count; i++)
        {
            var uid = first + ((hint + i) % count);
            try
            {
                var file = new FileStream(Path.Combine(directory, $"{uid}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new ExecUidLease(uid, file);
            }
            catch (IOException)
            {
                // Held by another lab of this host (in this process or another); try the next uid.
            }
        }

        throw new ClusterException($"all {count} exec uids from {first} are claimed by other labs on this host (locks in {directory}; NetnsOptions:ExecUidCount)");
    }

    public void Dispose() => _lock.Dispose();
}
