using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Tests.Bpf;

/// <summary>Per-CPU reads on bpf_lxc's ls_polstats (LRU per-CPU hash), loaded into the real kernel unpinned.</summary>
[Trait("Category", "Privileged")]
public sealed class BpfMapPerCpuPrivilegedTests
{
    [Fact]
    public void Per_cpu_lookup_gives_one_value_per_possible_cpu_and_null_for_absent_keys()
    {
        using var obj = BpfObject.OpenBuilt("bpf_lxc");
        obj.Load();
        using var stats = obj.Map<PolicyStatsKeyAbi, PolicyStatsValueAbi>("ls_polstats");

        // /sys/devices/system/cpu/possible is "0-N" (or "0" on one CPU): N + 1 values per key.
        var possible = File.ReadAllText("/sys/devices/system/cpu/possible").Trim();
        Assert.Equal(int.Parse(possible.Split('-')[^1]) + 1, BpfMap<PolicyStatsKeyAbi, PolicyStatsValueAbi>.PossibleCpus);
        Assert.True(stats.IsPerCpu);
        Assert.Null(stats.LookupPerCpu(new PolicyStatsKeyAbi(1, new PolicyKeyAbi(256, false, 6, 80, 24))));
    }

    [Fact]
    public void Per_cpu_lookup_on_a_plain_map_says_which_map_and_what_to_use()
    {
        using var obj = BpfObject.OpenBuilt("bpf_lxc");
        obj.Load();
        using var policy = obj.Map<uint, uint>("ls_policy");

        Assert.False(policy.IsPerCpu);
        var e = Assert.Throws<BpfException>(() => policy.LookupPerCpu(1));
        Assert.Contains("ls_policy", e.Message);
        Assert.Contains("is not per-CPU; use TryLookup", e.Message);
    }
}
