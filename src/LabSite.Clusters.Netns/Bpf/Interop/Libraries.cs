namespace LabSite.Clusters.Netns.Bpf.Interop;

/// <summary>Native library names, in one place (Debian ships libbpf 1.1 as libbpf.so.1).</summary>
internal static class Libraries
{
    public const string LibBpf = "libbpf.so.1";
    public const string LibC = "libc";
}
