using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Store;

/// <summary>What an <see cref="ObjectStore"/> needs from the cluster that owns it.</summary>
public sealed class StoreOptions
{
    /// <summary>The lab's service range, e.g. <c>10.96.0.0/16</c>; ClusterIPs are allocated from it, lowest free first.</summary>
    public required string ServiceCidr { get; init; }

    /// <summary>ClusterIPs the cluster holds for Services it provides itself (default/kubernetes); never allocated, refused when asked for.</summary>
    public IReadOnlyList<string> ReservedClusterIps { get; init; } = [];

    /// <summary>Full validation of CNP/CCNP/KNP beyond the store's structural checks (the policy part plugs in here).</summary>
    public IPolicyValidator? PolicyValidator { get; init; }

    /// <summary>Told when a change handler throws (the change stays committed); e.g. log it.</summary>
    public Action<ObjectChange, Exception>? OnHandlerError { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Whether the store keeps the Cilium agents' DaemonSet and a pod per node (<c>Controllers/CiliumAgentPods</c>).</summary>
    public bool CiliumAgentPods { get; init; } = true;

    /// <summary>Source of pod name suffixes; pass a seeded one in tests for stable names.</summary>
    public Random Random { get; init; } = Random.Shared;
}
