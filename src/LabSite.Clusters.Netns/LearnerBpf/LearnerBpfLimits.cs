namespace LabSite.Clusters.Netns.LearnerBpf;

/// <summary>
/// What a learner's eBPF object may hold and use. Small enough that a stranger's program costs the host little, large
/// enough for a packet counter, a per-protocol histogram or a small flow table.
/// </summary>
public static class LearnerBpfLimits
{
    /// <summary>Largest object file accepted.</summary>
    public const int MaxObjectBytes = 512 * 1024;

    /// <summary>Instructions in all the object's code sections together (the kernel allows a million).</summary>
    public const int MaxInstructions = 4096;

    public const int MaxProgramsPerObject = 8;

    /// <summary>Maps per object, counting the ones libbpf makes for global variables (.data, .rodata, .bss).</summary>
    public const int MaxMaps = 4;

    public const uint MaxEntries = 1024;

    public const uint MaxKeySize = 64;

    public const uint MaxValueSize = 1024;

    /// <summary>Learner programs loaded in one lab at a time.</summary>
    public const int MaxLoadedPerLab = 4;

    /// <summary>Longest clang run, and its memory (address space) limit.</summary>
    public static readonly TimeSpan CompileTimeout = TimeSpan.FromSeconds(30);

    public const long CompileMemoryBytes = 1024L * 1024 * 1024;

    /// <summary>enum bpf_prog_type of a tc program (SEC("tc")).</summary>
    public const uint SchedCls = 3;

    /// <summary>Program types the loader accepts (enum bpf_prog_type): socket_filter and sched_cls.</summary>
    public static readonly IReadOnlyDictionary<uint, string> ProgramTypes = new Dictionary<uint, string>
    {
        [1] = "socket_filter",
        [3] = "sched_cls",
    };

    /// <summary>Map types the loader accepts (enum bpf_map_type).</summary>
    public static readonly IReadOnlyDictionary<uint, string> MapTypes = new Dictionary<uint, string>
    {
        [1] = "hash",
        [2] = "array",
        [6] = "percpu_array",
    };

    /// <summary>
    /// Helpers a learner's program may call, by kernel number: map access, time, randomness and reading the packet.
    /// Everything else is refused, in particular writing packets or memory (skb_store_bytes, probe_write_user),
    /// redirecting (redirect, clone_redirect, redirect_map), the global trace pipe (trace_printk) and tail calls.
    /// </summary>
    public static readonly IReadOnlyDictionary<int, string> Helpers = new Dictionary<int, string>
    {
        [1] = "bpf_map_lookup_elem",
        [2] = "bpf_map_update_elem",
        [3] = "bpf_map_delete_elem",
        [5] = "bpf_ktime_get_ns",
        [7] = "bpf_get_prandom_u32",
        [8] = "bpf_get_smp_processor_id",
        [26] = "bpf_skb_load_bytes",
        [34] = "bpf_get_hash_recalc",
        [68] = "bpf_skb_load_bytes_relative",
        [125] = "bpf_ktime_get_boot_ns",
    };

    /// <summary>Names of some refused helpers, so a refusal can say which one was called.</summary>
    public static readonly IReadOnlyDictionary<int, string> KnownRefusedHelpers = new Dictionary<int, string>
    {
        [4] = "bpf_probe_read",
        [6] = "bpf_trace_printk",
        [9] = "bpf_skb_store_bytes",
        [10] = "bpf_l3_csum_replace",
        [11] = "bpf_l4_csum_replace",
        [12] = "bpf_tail_call",
        [13] = "bpf_clone_redirect",
        [23] = "bpf_redirect",
        [25] = "bpf_perf_event_output",
        [36] = "bpf_probe_write_user",
        [51] = "bpf_redirect_map",
        [113] = "bpf_probe_read_kernel",
        [130] = "bpf_ringbuf_output",
        [152] = "bpf_redirect_neigh",
        [160] = "bpf_redirect_peer",
    };
}
