namespace LabSite.Clusters.Netns.Pods;

/// <summary>Kubernetes' pod phases, as <c>status.phase</c> spells them.</summary>
public enum PodPhase
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
