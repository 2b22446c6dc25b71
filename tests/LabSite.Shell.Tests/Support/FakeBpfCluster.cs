using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Support;

/// <summary>A cluster that owns fixed eBPF objects, for unit tests of bpftool's gate (no kernel involved).</summary>
internal sealed class FakeBpfCluster(LabBpfObjects objects) : FakeLabCluster, IBpfObjects
{
    public Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct) => Task.FromResult(objects);
}
