namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// A node of the lab cluster as the store registers it (a Node object): its name, pod CIDR and InternalIP, and
/// whether it is the control-plane node (kind's <c>NAME-control-plane</c> role; ours keeps the lab's name).
/// </summary>
public sealed record LabNodeSpec(string Name, string PodCidr, string InternalIp, bool ControlPlane)
{
    /// <summary>The version <c>kubectl get nodes</c> shows: the pinned kubectl's minor, as kind would run.</summary>
    public const string KubeletVersion = "v1.34.0";
}
