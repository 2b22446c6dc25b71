using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Exec;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>Exec uids are claimed host-wide: no two labs (of any process) share one, so their process limits stay apart.</summary>
public sealed class ExecUidLeaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "labsite-uids-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void TwoLabsWithTheSameSlotGetDifferentUids()
    {
        using var first = ExecUidLease.Acquire(_directory, 300_000, 8, hint: 0);
        using var second = ExecUidLease.Acquire(_directory, 300_000, 8, hint: 0);
        Assert.Equal(300_000, first.Uid);
        Assert.Equal(300_001, second.Uid);
    }

    [Fact]
    public void AReleasedUidIsClaimedAgain()
    {
        var first = ExecUidLease.Acquire(_directory, 300_000, 2, hint: 1);
        Assert.Equal(300_001, first.Uid);
        first.Dispose();
        using var again = ExecUidLease.Acquire(_directory, 300_000, 2, hint: 1);
        Assert.Equal(300_001, again.Uid);
    }

    [Fact]
    public void AUidHeldByAnotherProcessIsSkipped()
    {
        Directory.CreateDirectory(_directory);
        var held = Path.Combine(_directory, "300000.lock");
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", held, "sleep", "30"]))!;
        try
        {
            // flock(1) takes the lock right after start; wait until our own probe is refused.
            for (var i = 0; i < 100 && CanLock(held); i++)
            {
                Thread.Sleep(50);
            }

            using var lease = ExecUidLease.Acquire(_directory, 300_000, 4, hint: 0);
            Assert.Equal(300_001, lease.Uid);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void AllUidsClaimedIsAClearError()
    {
        using var only = ExecUidLease.Acquire(_directory, 300_000, 1, hint: 0);
        var e = Assert.Throws<ClusterException>(() => ExecUidLease.Acquire(_directory, 300_000, 1, hint: 0));
        Assert.Contains("all 1 exec uids from 300000 are claimed", e.Message);
        Assert.Contains("NetnsOptions:ExecUidCount", e.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static bool CanLock(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
