namespace LabSite.Clusters.Netns.Tests.LearnerBpf;

/// <summary>Learner programs the tests compile with the lab's sandboxed clang: a good counter and hostile variants.</summary>
internal static class LearnerPrograms
{
    public const string CounterMap = """
        struct {
            __uint(type, BPF_MAP_TYPE_ARRAY);
            __uint(max_entries, 1);
            __type(key, __u32);
            __type(value, __u64);
        } packets SEC(".maps");

        """;

    public const string Counter = "#include \"labsite_bpf.h\"\n" + CounterMap + """
        SEC("tc")
        int count_packets(struct __sk_buff *skb)
        {
            __u32 key = 0;
            __u64 *count = bpf_map_lookup_elem(&packets, &key);
            if (count)
                __sync_fetch_and_add(count, 1);
            return TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>
    /// The lab's starter mistake: a hash map's value used without checking it for NULL (a lookup in an array with a
    /// constant key cannot fail, and the kernel knows it, so the mistake needs a key that may be missing).
    /// </summary>
    public const string CounterWithoutNullCheck = "#include \"labsite_bpf.h\"\n" + """
        struct {
            __uint(type, BPF_MAP_TYPE_HASH);
            __uint(max_entries, 16);
            __type(key, __u32);
            __type(value, __u64);
        } by_protocol SEC(".maps");

        SEC("tc")
        int count_packets(struct __sk_buff *skb)
        {
            __u32 key = skb->protocol;
            __u64 *count = bpf_map_lookup_elem(&by_protocol, &key);
            *count += 1;
            return TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>A loop that never ends for long packets: the verifier refuses it rather than let it hang a CPU.</summary>
    public const string EndlessLoop = "#include \"labsite_bpf.h\"\n" + """
        SEC("tc")
        int spin(struct __sk_buff *skb)
        {
            if (skb->len > 1000)
                for (;;) {}
            return TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    public const string SocketCounter = "#include \"labsite_bpf.h\"\n" + CounterMap + """
        SEC("socket")
        int count_socket(struct __sk_buff *skb)
        {
            __u32 key = 0;
            __u64 *count = bpf_map_lookup_elem(&packets, &key);
            if (count)
                __sync_fetch_and_add(count, 1);
            return 0;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>A program of <paramref name="section"/> returning 0, e.g. kprobe/..., xdp, cgroup_skb/ingress.</summary>
    public static string InSection(string section) => "#include \"labsite_bpf.h\"\n" + $$"""
        SEC("{{section}}")
        int prog(void *ctx)
        {
            return 0;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>A tc program that calls helper number <paramref name="helper"/> declared by hand (e.g. 23, bpf_redirect).</summary>
    public static string CallingHelper(int helper) => "#include \"labsite_bpf.h\"\n" + $$"""
        static long (*forbidden)(__u64 a, __u64 b) = (void *){{helper}};

        SEC("tc")
        int prog(struct __sk_buff *skb)
        {
            forbidden(1, 0);
            return TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>A tc program of about <paramref name="additions"/> instructions: each volatile add stays an instruction.</summary>
    public static string Huge(int additions) => "#include \"labsite_bpf.h\"\n" + $$"""
        SEC("tc")
        int prog(struct __sk_buff *skb)
        {
            volatile __u32 x = 0;
        #pragma clang loop unroll(full)
            for (int i = 0; i < {{additions}}; i++)
                x += i;
            return x & 0 ? TC_ACT_SHOT : TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>A tc program touching maps defined by <paramref name="maps"/> (each named m0, m1, ...).</summary>
    public static string WithMaps(params (int Type, int MaxEntries, int ValueBytes)[] maps)
    {
        var text = new System.Text.StringBuilder("#include \"labsite_bpf.h\"\n");
        for (var i = 0; i < maps.Length; i++)
        {
            text.Append($$"""
                struct {
                    __uint(type, {{maps[i].Type}});
                    __uint(max_entries, {{maps[i].MaxEntries}});
                    __type(key, __u32);
                    __type(value, char[{{maps[i].ValueBytes}}]);
                } m{{i}} SEC(".maps");

                """);
        }
        text.Append("SEC(\"tc\")\nint prog(struct __sk_buff *skb)\n{\n    __u32 key = 0;\n");
        for (var i = 0; i < maps.Length; i++)
        {
            text.Append($"    if (bpf_map_lookup_elem(&m{i}, &key)) return TC_ACT_OK;\n");
        }
        text.Append("    return TC_ACT_OK;\n}\nchar _license[] SEC(\"license\") = \"GPL\";\n");
        return text.ToString();
    }

    /// <summary>A counter whose map asks libbpf to pin it by name (under /sys/fs/bpf), or reuse whatever is pinned there.</summary>
    public const string PinnedByName = "#include \"labsite_bpf.h\"\n" + """
        struct {
            __uint(type, BPF_MAP_TYPE_ARRAY);
            __uint(max_entries, 1);
            __type(key, __u32);
            __type(value, __u64);
            __uint(pinning, 1);
        } ls_ipcache SEC(".maps");

        SEC("tc")
        int prog(struct __sk_buff *skb)
        {
            __u32 key = 0;
            return bpf_map_lookup_elem(&ls_ipcache, &key) ? TC_ACT_OK : TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>Imports a kernel variable through kconfig (an extern symbol).</summary>
    public const string KconfigExtern = "#include \"labsite_bpf.h\"\n" + """
        extern unsigned int LINUX_KERNEL_VERSION __attribute__((section(".kconfig")));

        SEC("tc")
        int prog(struct __sk_buff *skb)
        {
            return LINUX_KERNEL_VERSION == 1 ? TC_ACT_SHOT : TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>Calls a kernel function (kfunc) declared as an extern.</summary>
    public const string KfuncExtern = "#include \"labsite_bpf.h\"\n" + """
        extern void bpf_rcu_read_lock(void) __attribute__((section(".ksyms"), weak));

        SEC("tc")
        int prog(struct __sk_buff *skb)
        {
            bpf_rcu_read_lock();
            return TC_ACT_OK;
        }

        char _license[] SEC("license") = "GPL";
        """;
}
