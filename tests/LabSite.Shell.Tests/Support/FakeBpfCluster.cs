namespace LabSite.Shell.Tests.Support;

using LabSite.Testing;
using LabSite.Clusters.Contract;

/// <summary>A cluster that owns fixed eBPF objects, for unit tests of bpftool's gate (no kernel involved).</summary>
sealed class FakeBpfCluster(LabBpfObjects objects) : FakeLabCluster, IBpfObjects
{
    public Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct) => Task.FromResult(objects);
}
