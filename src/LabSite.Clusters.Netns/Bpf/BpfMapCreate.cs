using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>Creates maps from user space (e.g. the per-endpoint policy tries that go into a map of maps).</summary>
public static unsafe class BpfMapCreate
{
    private const uint MapTypeLpmTrie = 11;
    private const uint NoPrealloc = 1;

    /// <summary>A new LPM trie (BPF_F_NO_PREALLOC, as the kernel requires) with the given kernel name.</summary>
    public static BpfMap<TKey, TValue> LpmTrie<TKey, TValue>(string name, uint maxEntries)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var opts = new BpfMapCreateOpts { Size = (nuint)sizeof(BpfMapCreateOpts), MapFlags = NoPrealloc };
        var fd = LibBpf.MapCreate(MapTypeLpmTrie, name, (uint)sizeof(TKey), (uint)sizeof(TValue), maxEntries, &opts);
        if (fd < 0)
        {
            throw new BpfException("create map", name, Marshal.GetLastPInvokeError());
        }
        return BpfMap<TKey, TValue>.FromFd(new BpfFd(fd), name);
    }
}
