using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Capture;
using LabSite.Clusters.Netns.Encryption;

namespace LabSite.Clusters.Netns;

/// <summary>
/// Transparent encryption between the lab's nodes (<see cref="IpsecAgent"/>, switched by the Secret
/// <c>kube-system/cilium-ipsec-keys</c>), its status per node, and the read-only node capture that shows the underlay.
/// </summary>
public sealed partial class NetnsCluster
{
    private IpsecAgent? _ipsec;

    /// <summary>The IPsec agent; null before the lab is created or after it is destroyed.</summary>
    internal IpsecAgent? Ipsec => _ipsec;

    public async Task<IReadOnlyList<EncryptionStatusModel>?> GetEncryptionStatusAsync(CancellationToken ct)
    {
        if (_ipsec is not { } ipsec)
        {
            return Nodes.Select(n => IpsecAgent.Status(n.Name, null, null, null, null)).ToList();
        }
        // Caught up with the store first, so a status read right after the Secret changed already reflects it.
        await ipsec.ReconcileAsync(ct);
        return await ipsec.ReadAsync(running => Nodes.Select(n => IpsecAgent.Status(n.Name, ipsec.Current, ipsec.Previous, ipsec.LastError,
            running.FirstOrDefault(r => r.Node.Index == n.Index))).ToList(), ct);
    }

    public async Task<NodeCaptureReply?> CaptureOnNodeAsync(NodeCaptureRequest request, CancellationToken ct)
    {
        ThrowIfDestroyed();
        // NODE, or pod/[NAMESPACE/]POD for the node that pod runs on (node names differ between labs), or ds/cilium for
        // the first node (kubectl exec ds/cilium -- tcpdump).
        var node = request.Node == NodeCaptureRequest.AgentDaemonSet ? Nodes[0]
            : request.Node.StartsWith("pod/", StringComparison.Ordinal)
            ? (request.Node[4..].Split('/', 2) is [var ns, var pod] ? FindPod(ns, pod) : FindPod("default", request.Node[4..]))?.Node
            : FindNode(request.Node);
        if (node is null)
        {
            return new NodeCaptureReply(1, "", $"tcpdump: node \"{Shorten(request.Node)}\" is not a node of this lab (kubectl get nodes lists them: {string.Join(", ", Nodes.Select(n => n.Name))}; pod/NAME names a pod's node)\n");
        }
        if (node.Underlay is null)
        {
            return new NodeCaptureReply(1, "", $"tcpdump: node {node.Name} has no underlay: this lab has one node (front matter nodes: 2 or 3)\n");
        }
        return await NodeCapture.RunAsync(this, node, request, ct);
    }

    private static string Shorten(string text) => new([.. (text.Length > 64 ? text[..64] : text).Select(c => char.IsControl(c) ? '?' : c)]);
}
