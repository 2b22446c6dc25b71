using System.Net;

namespace LabSite.Clusters.Netns;

/// <summary>
/// One node of a lab cluster: its Kubernetes name (node 0 keeps the lab's name, then <c>NAME-worker</c>,
/// <c>NAME-worker2</c> as kind names them), its namespace, the address it holds in its pod range, that range, and in a
/// multi-node lab its underlay address (InternalIP and VXLAN tunnel endpoint).
/// </summary>
public sealed record LabNode(int Index, string Name, string Netns, IPAddress NodeIp, string PodCidr, IPAddress? Underlay)
{
    /// <summary>Flows' node_name, Hubble's <c>cluster/node</c>.</summary>
    public string HubbleName => "labsite/" + Name;

    /// <summary>The nodes of lab <paramref name="lab"/> with <paramref name="count"/> nodes.</summary>
    public static IReadOnlyList<LabNode> For(string lab, int count, LabNames names, LabAddressing addressing) =>
        Enumerable.Range(0, count).Select(i => new LabNode(
            i,
            i == 0 ? lab : i == 1 ? $"{lab}-worker" : $"{lab}-worker{i}",
            names.NodeNetnsOf(i),
            i == 0 ? addressing.NodeIp : addressing.NodeIpOf(i),
            addressing.NodePodCidr(i, count),
            count == 1 ? null : addressing.UnderlayIp(i))).ToList();
}
