using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// Reads of per-CPU maps (PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH): a lookup returns one value per possible
/// CPU, each in a slot rounded up to 8 bytes, so the caller sums them (as bpftool and Cilium do).
/// </summary>
public sealed unsafe partial class BpfMap<TKey, TValue>
{
    private static readonly Lazy<int> s_cpus = new(CountPossibleCpus);

    /// <summary>CPUs the kernel may bring up (<c>/sys/devices/system/cpu/possible</c>): values per key of a per-CPU map.</summary>
    public static int PossibleCpus => s_cpus.Value;

    // enum bpf_map_type values (linux/bpf.h) whose values are per CPU.
    private const uint PercpuHash = 5;
    private const uint PercpuArray = 6;
    private const uint LruPercpuHash = 10;
    private const uint PercpuCgroupStorage = 21;

    /// <summary>True for the map types whose values are per CPU.</summary>
    public bool IsPerCpu => Type is PercpuHash or PercpuArray or LruPercpuHash or PercpuCgroupStorage;

    /// <summary>The key's value on every possible CPU, or null when the key is absent.</summary>
    public TValue[]? LookupPerCpu(TKey key)
    {
        if (!IsPerCpu)
        {
            throw new BpfException("per-CPU lookup in", Name, 22, $"map type {Type} is not per-CPU; use TryLookup");
        }
        var stride = (sizeof(TValue) + 7) & ~7;
        var buffer = new byte[stride * PossibleCpus];
        fixed (byte* values = buffer)
        {
            if (LibBpf.MapLookupElem(Fd.Value, &key, values) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == ENOENT ? null : throw new BpfException("lookup in", Name, errno);
            }
        }
        var result = new TValue[PossibleCpus];
        for (var cpu = 0; cpu < result.Length; cpu++)
        {
            result[cpu] = Unsafe.ReadUnaligned<TValue>(ref buffer[cpu * stride]);
        }
        return result;
    }

    private static int CountPossibleCpus()
    {
        var n = LibBpf.NumPossibleCpus();
        return n > 0 ? n : throw new BpfException("count possible CPUs for", "per-CPU maps", -n);
    }
}
