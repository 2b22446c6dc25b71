using System.Net;

namespace LabSite.Clusters.Netns.Kernel;

/// <summary>
/// The routed topology of one lab, built with a few <c>ip -batch</c> runs: a node namespace with
/// forwarding on, and per pod a namespace joined to the node by a veth pair (pod <c>eth0</c>, node
/// <c>lxc…</c>). Pods own a /32 and route everything via 169.254.1.1, which the node holds on every
/// pod-facing veth; the node has a /32 route per pod. Nothing is configured in the host's namespace:
/// both veth ends are created directly inside their target namespaces.
/// </summary>
internal sealed class LabNetwork(LabNames names, LabAddressing addressing)
{
    /// <summary>A pod to wire: its namespace, node-side veth and address; the alias tags the link with the lab.</summary>
    public sealed record PodLink(string Netns, string NodeVeth, IPAddress Ip, string Alias);

    public async Task CreateNodeAsync(CancellationToken ct)
    {
        await new IpBatch(null).Add($"netns add {names.NodeNetns}").RunAsync($"create node namespace {names.NodeNetns}", ct);
        var node = new IpBatch(names.NodeNetns)
            .Add("link set lo up")
            .Add($"addr add {addressing.NodeIp}/32 dev lo")
            // The kubernetes Service address: the agent serves the lab's Kubernetes API there (NetnsCluster.InCluster.cs).
            .Add($"addr add {addressing.KubernetesServiceIp}/32 dev lo");
        foreach (var line in ProxyRouting.NodeCommands)
        {
            node.Add(line);
        }
        await node.RunAsync($"configure node namespace {names.NodeNetns}", ct);
        await NetnsThread.WriteSysctlsAsync(LabNames.NetnsPath(names.NodeNetns), new Dictionary<string, string>
        {
            ["net.ipv4.ip_forward"] = "1",
            ["net.ipv4.conf.all.rp_filter"] = "0",
            ["net.ipv4.conf.default.rp_filter"] = "0",
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
        var node = new IpBatch(names.NodeNetns);
        foreach (var p in pods)
        {
            host.Add($"netns add {p.Netns}");
            host.Add($"link add name {p.NodeVeth} netns {names.NodeNetns} type veth peer name eth0 netns {p.Netns}");
            node.Add($"link set dev {p.NodeVeth} alias {p.Alias}");
            node.Add($"addr add {LabAddressing.Gateway}/32 dev {p.NodeVeth}");
            node.Add($"link set dev {p.NodeVeth} up");
            node.Add($"route add {p.Ip}/32 dev {p.NodeVeth} scope link");
        }

        await host.RunAsync($"create pod namespaces in {names.Lab}", ct);
        await node.RunAsync($"wire pods into {names.NodeNetns}", ct);
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
