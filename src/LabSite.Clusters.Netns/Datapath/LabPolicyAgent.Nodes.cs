using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Proxy.Listener;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// The nodes of a multi-node lab in the datapath: one bpf_lxc object and one set of maps serve every node (the
/// ipcache and identities are cluster-wide, as Cilium's kvstore-backed ones are), so a packet that crossed the tunnel
/// is judged on the receiving node with the sender's identity, which the tunnel key's VNI carries. Each node's
/// cilium_vxlan gets the overlay programs (tunnel keys, traces, and the ingress L7 redirect into that node's listener
/// for clients on other nodes); the other nodes' addresses are remote-node and every node's pod range is world, with
/// their tunnel endpoints; the underlay is flagged so bpf_lxc drops whatever a pod sends there.
/// </summary>
public sealed partial class LabPolicyAgent
{
    private readonly HashSet<IPAddress> _remoteNodeAddresses = [];

    // Prefixes reached through the tunnel (pod ranges, a mesh peer's API address): policy CIDR entries never replace them.
    private readonly HashSet<IPNetwork> _tunnelPrefixes = [];

    /// <summary>An ipcache entry that only says which node's tunnel endpoint reaches <paramref name="prefix"/>. Caller holds the lock.</summary>
    private void AddTunnelPrefix(IPNetwork prefix, NumericIdentity identity, IPAddress tunnelEndpoint)
    {
        _tunnelPrefixes.Add(prefix);
        _datapath.UpsertIpcache(prefix, identity.Value, tunnelEndpoint);
    }

    private readonly List<(NetworkNamespaceThread Thread, L7Proxy Ingress, L7Proxy Egress)> _workerProxies = [];

    /// <summary>Wires the datapath to the lab's nodes; for one node there is no tunnel and nothing to do.</summary>
    public async Task AddNodesAsync(IReadOnlyList<LabNode> nodes, IPNetwork? underlay, CancellationToken ct)
    {
        if (nodes.Count < 2 || underlay is not { } underlayCidr)
        {
            return;
        }
        // Each worker's own L7 listeners: bpf_lxc on a worker redirects to the proxy port in the worker's namespace
        // (else PROXY_LOOKUP_FAILED), as Cilium runs one Envoy per node: its pods' egress rules, and ingress rules of
        // its pods for every client. They share the lab's rules and flow ring.
        foreach (var worker in nodes.Skip(1))
        {
            var thread = new NetworkNamespaceThread(LabNames.NetnsPath(worker.Netns));
            var (ingress, egress) = StartProxies(thread, worker.HubbleName);
            lock (_lock)
            {
                _workerProxies.Add((thread, ingress, egress));
            }
        }
        lock (_lock)
        {
            _datapath.UpsertIpcache(underlayCidr, NumericIdentity.RemoteNode.Value, flags: Bpf.Abi.RemoteEndpointInfoAbi.UnderlayFlag);
            // Node 0 keeps its host entry (the lab's DNS, proxy and API live there); the workers are remote nodes.
            foreach (var worker in nodes.Skip(1))
            {
                _remoteNodeAddresses.Add(worker.NodeIp);
                _datapath.UpsertIpcache(new IPNetwork(worker.NodeIp, 32), NumericIdentity.RemoteNode.Value, worker.Underlay);
            }
            // Each node's pod range with its tunnel endpoint (world, as Cilium lists them), so to_overlay can address
            // a pod the ipcache has no /32 for yet; node 0's address (cluster DNS) is reached through its tunnel too.
            foreach (var node in nodes)
            {
                AddTunnelPrefix(IPNetwork.Parse(node.PodCidr), NumericIdentity.World, node.Underlay!);
            }
            _datapath.UpsertIpcache(new IPNetwork(nodes[0].NodeIp, 32), NumericIdentity.Host.Value, nodes[0].Underlay);
        }
        // to_overlay finds the tunnel endpoints above, so attach after writing them.
        foreach (var node in nodes)
        {
            await AttachOnNodeAsync(node, LabOverlay.Device, _datapath.AttachOverlay, ct);
        }
    }
}
