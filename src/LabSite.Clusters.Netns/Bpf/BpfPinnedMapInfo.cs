using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>Reads what the kernel says about a pinned map of any type (ring buffers included, which have no key or value).</summary>
public static unsafe class BpfPinnedMapInfo
{
    /// <summary>The map's max_entries: for a BPF_MAP_TYPE_RINGBUF, its size in bytes.</summary>
    public static uint MaxEntries(string path)
    {
        var raw = LibBpf.ObjGet(path);
        if (raw < 0)
        {
            throw new BpfException("open pinned map", path, Marshal.GetLastPInvokeError());
        }
        using var fd = new BpfFd(raw);
        BpfMapInfo info = default;
        uint len = (uint)sizeof(BpfMapInfo);
        if (LibBpf.ObjGetInfoByFd(fd.Value, &info, &len) < 0)
        {
            throw new BpfException("inspect", path, Marshal.GetLastPInvokeError());
        }
        return info.MaxEntries;
    }
}
