using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>Opens any pinned BPF object (e.g. a ring buffer, which has no key/value types for <see cref="BpfMap{TKey,TValue}"/>).</summary>
public static class BpfPins
{
    public static BpfFd Open(string path)
    {
        var fd = LibBpf.ObjGet(path);
        return fd < 0 ? throw new BpfException("open pinned object", path, Marshal.GetLastPInvokeError()) : new BpfFd(fd);
    }
}
