namespace LabSite.Clusters.Netns.Kernel;

/// <summary>
/// The wires between a multi-node lab's node namespaces, as Cilium's default tunnel mode has them: an underlay (a
/// bridge in the lab's underlay namespace, one veth to each node's <c>eth0</c>) and per node a VXLAN device
/// <c>cilium_vxlan</c> on UDP 8472 in collect-metadata (<c>external</c>) mode, as Cilium creates it: bpf_lxc's
/// to_overlay sets each packet's tunnel key (the destination node's underlay address from the ipcache, the source's
/// security identity as the VNI) and from_overlay reads it. Each node routes every other node's pod range into the
/// tunnel via a static neighbour (the peer's VTEP MAC), so nothing is learned from packets. The underlay MTU is 1650
/// so the tunnel carries the pods' 1500-byte packets whole, in ESP too when IPsec is on (<c>Encryption/EspNode</c>).
/// </summary>
internal static class LabOverlay
{
    public const string Device = "cilium_vxlan";
    public const int Port = 8472;
    private const int UnderlayMtu = 1650;

    /// <summary>Builds the underlay and tunnels for <paramref name="nodes"/> (namespaces already created).</summary>
    public static async Task CreateAsync(string underlayNetns, IReadOnlyList<LabNode> nodes, CancellationToken ct)
    {
        var host = new IpBatch(null).Add($"netns add {underlayNetns}");
        var underlay = new IpBatch(underlayNetns).Add("link set lo up").Add("link add br0 type bridge").Add($"link set br0 mtu {UnderlayMtu}");
        foreach (var n in nodes)
        {
            host.Add($"link add name ul{n.Index} netns {underlayNetns} mtu {UnderlayMtu} type veth peer name eth0 netns {n.Netns} mtu {UnderlayMtu}");
            underlay.Add($"link set ul{n.Index} master br0").Add($"link set ul{n.Index} up");
        }
        underlay.Add("link set br0 up");
        await host.RunAsync($"create underlay {underlayNetns}", ct);
        await underlay.RunAsync($"configure underlay {underlayNetns}", ct);

        foreach (var n in nodes)
        {
            var node = new IpBatch(n.Netns)
                .Add($"addr add {n.Underlay}/24 dev eth0")
                .Add("link set eth0 up")
                .Add($"link add {Device} address {Mac(n)} mtu 1500 type vxlan external dstport {Port} nolearning")
                .Add($"link set {Device} up");
            foreach (var peer in nodes.Where(p => p.Index != n.Index))
            {
                node.Add($"neigh add {peer.NodeIp} lladdr {Mac(peer)} dev {Device} nud permanent");
                node.Add($"route add {peer.PodCidr} via {peer.NodeIp} dev {Device} onlink");
            }
            await node.RunAsync($"tunnel of {n.Netns}", ct);
        }
    }

    /// <summary>A fixed, locally administered VTEP address per node (02:ls:00:00:00:index+1).</summary>
    public static string Mac(LabNode node) => $"02:6c:73:00:00:{node.Index + 1:x2}";
}
