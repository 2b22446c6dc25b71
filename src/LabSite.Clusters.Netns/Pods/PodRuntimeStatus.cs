using System.Net;

namespace LabSite.Clusters.Netns.Pods;

/// <summary>
/// A pod's live status as the runtime knows it; RuntimeReconciler turns it into the kubelet-shaped <c>status</c>
/// of the stored Pod (Store/PodStatus.cs), which is what <c>kubectl get pods</c> shows.
/// </summary>
public sealed record PodRuntimeStatus(
    PodPhase Phase,
    IPAddress? PodIp,
    IPAddress HostIp,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    IReadOnlyList<ContainerState> Containers)
{
    public bool Ready => Phase == PodPhase.Running && Containers.All(c => c.Ready);

    /// <summary>READY column of kubectl get pods, e.g. "1/1".</summary>
    public string ReadyColumn => $"{Containers.Count(c => c.Ready)}/{Containers.Count}";

    /// <summary>STATUS column: the phase, or a waiting container's reason such as ErrImagePull.</summary>
    public string StatusColumn => Containers.FirstOrDefault(c => c.WaitingReason is not null)?.WaitingReason ?? Phase.ToString();
}

/// <summary>One container's state: running since StartedAt, or waiting with a reason (ErrImagePull) and message.</summary>
public sealed record ContainerState(string Name, string Image, bool Ready, DateTimeOffset? StartedAt, string? WaitingReason = null, string? WaitingMessage = null);
