using System.Net;

namespace LabSite.Clusters.Netns.Kernel;

/// <summary>
/// The routed topology of one lab, built with a few <c>ip -batch</c> runs: a node namespace (one per node; the
/// VXLAN between them is <see cref="LabOverlay"/>'s) with
/// forwarding on, and per pod a namespace joined to the node by a veth pair (pod <c>eth0</c>, node
/// <c>lxc…</c>). Pods own a /32 and route everything via 169.254.1.1, which the node holds on every
/// pod-facing veth; the node has a /32 route per pod. Nothing is configured in the host's namespace:
/// both veth ends are created directly inside their target namespaces.
/// </summary>
internal sealed class LabNetwork(LabNames names, LabAddressing addressing)
{
    /// <summary>
    /// A pod to wire: its namespace, its node's namespace, node-side veth and address; the alias tags the link with the lab.
    /// <paramref name="IfIndex"/> pins the node-side veth's ifindex (multi-node labs keep them unique across nodes, so
    /// bpf_lxc's source check, which compares ifindexes, cannot be fooled by a same-numbered veth on another node).
    /// </summary>
    public sealed record PodLink(string Netns, string NodeVeth, IPAddress Ip, string Alias, string NodeNetns, int? IfIndex = null);

    /// <summary>Node 0: the lab's node namespace, which also holds the Kubernetes Service address.</summary>
    public Task CreateNodeAsync(CancellationToken ct) => CreateNodeAsync(names.NodeNetns, addressing.NodeIp, [addressing.KubernetesServiceIp], ct);

    /// <summary>A node namespace holding <paramref name="nodeIp"/> (and <paramref name="extra"/>) on lo, forwarding on.</summary>
    public static async Task CreateNodeAsync(string netns, IPAddress nodeIp, IReadOnlyList<IPAddress> extra, CancellationToken ct)
    {
        await new IpBatch(null).Add($"netns add {netns}").RunAsync($"create node namespace {netns}", ct);
        var node = new IpBatch(netns)
            .Add("link set lo up")
            .Add($"addr add {nodeIp}/32 dev lo");
        // Node 0 also holds the kubernetes Service address: the agent serves the lab's Kubernetes API there (NetnsCluster.InCluster.cs).
        foreach (var address in extra)
        {
            node.Add($"addr add {address}/32 dev lo");
        }
        foreach (var line in ProxyRouting.NodeCommands)
        {
            node.Add(line);
        }
        await node.RunAsync($"configure node namespace {netns}", ct);
        await NetnsThread.WriteSysctlsAsync(LabNames.NetnsPath(netns), new Dictionary<string, string>
        {
            ["net.ipv4.ip_forward"] = "1",
            ["net.ipv4.conf.all.rp_filter"] = "0",
            ["net.ipv4.conf.default.rp_filter"] = "0",
            // The node forwards pod-to-pod traffic, and its transparent L7 proxy holds sockets with pods' addresses:
            // after the proxy closed a connection, its TIME_WAIT socket has the pods' 4-tuple. Early demux would find
            // it for a new connection that reuses that tuple without the proxy (the rule is gone), and ip_forward
            // drops packets that carry a socket, so the SYNs vanish until TIME_WAIT ends (~60 s connect stalls).
            ["net.ipv4.ip_early_demux"] = "0",
        });
    }

    /// <summary>Creates and wires pods: one host-level batch (namespaces + veth pairs), one node batch, one batch per pod.</summary>
    public async Task AddPodsAsync(IReadOnlyList<PodLink> pods, CancellationToken ct)
    {
        if (pods.Count == 0)
        {
            return;
        }

        var host = new IpBatch(null);
        var nodes = new Dictionary<string, IpBatch>(StringComparer.Ordinal);
        foreach (var p in pods)
        {
            host.Add($"netns add {p.Netns}");
            var index = p.IfIndex is { } i ? $" index {i}" : "";
            host.Add($"link add name {p.NodeVeth}{index} netns {p.NodeNetns} type veth peer name eth0 netns {p.Netns}");
            if (!nodes.TryGetValue(p.NodeNetns, out var node))
            {
                nodes[p.NodeNetns] = node = new IpBatch(p.NodeNetns);
            }
            node.Add($"link set dev {p.NodeVeth} alias {p.Alias}");
            node.Add($"addr add {LabAddressing.Gateway}/32 dev {p.NodeVeth}");
            node.Add($"link set dev {p.NodeVeth} up");
            node.Add($"route add {p.Ip}/32 dev {p.NodeVeth} scope link");
        }

        await host.RunAsync($"create pod namespaces in {names.Lab}", ct);
        foreach (var (netns, node) in nodes)
        {
            await node.RunAsync($"wire pods into {netns}", ct);
        }
        await Task.WhenAll(pods.Select(p => ConfigurePodAsync(p, ct)));
    }

    /// <summary>Deletes namespaces; a pod's veth pair goes with its namespace (once no socket holds it).</summary>
    public static async Task DeleteNamespacesAsync(IEnumerable<string> netns, CancellationToken ct)
    {
        var batch = new IpBatch(null);
        foreach (var n in netns.Where(n => File.Exists(LabNames.NetnsPath(n))))
        {
            batch.Add($"netns del {n}");
        }

        await batch.RunAsync("delete namespaces", ct);
    }

    private static async Task ConfigurePodAsync(PodLink p, CancellationToken ct)
    {
        await new IpBatch(p.Netns)
            .Add("link set lo up")
            .Add($"addr add {p.Ip}/32 dev eth0")
            .Add("link set dev eth0 up")
            .Add($"route add {LabAddressing.Gateway} dev eth0 scope link")
            .Add($"route add default via {LabAddressing.Gateway} dev eth0")
            .RunAsync($"configure pod namespace {p.Netns}", ct);
        // ICMP echo sockets for unprivileged ping from exec'd programs.
        await NetnsThread.WriteSysctlsAsync(LabNames.NetnsPath(p.Netns), new Dictionary<string, string>
        {
            ["net.ipv4.ping_group_range"] = "0 2147483647",
        });
    }
}
