namespace LabSite.Clusters.Netns.Kernel;

/// <summary>
/// How the node namespace delivers packets that bpf_lxc redirected to the L7 proxy: they carry
/// <see cref="ToProxyMark"/> (MARK_TO_PROXY in bpf/include/labsite_abi.h) and their original destination, so a
/// policy rule sends marked packets to a table whose only route says every address is local. Cilium installs the
/// same pair (fwmark 0x200, table 2004) for its Envoy redirect.
/// </summary>
public static class ProxyRouting
{
    public const uint ToProxyMark = 0x200;

    public const int Table = 2004;

    /// <summary>The <c>ip -batch</c> lines for the node namespace.</summary>
    public static IReadOnlyList<string> NodeCommands =>
    [
        $"rule add fwmark 0x{ToProxyMark:x} lookup {Table}",
        $"route add local 0.0.0.0/0 dev lo table {Table}",
    ];
}
