using LabSite.Clusters.Netns.Bgp;

namespace LabSite.Clusters.Netns;

/// <summary>The lab's BGP control plane (speaker per node, top-of-rack router), started by the first BGP object.</summary>
public sealed partial class NetnsCluster
{
    private BgpAgent? _bgp;

    /// <summary>The BGP agent; null before the lab is created or after it is destroyed.</summary>
    internal BgpAgent? Bgp => _bgp;
}
