using LabSite.Clusters.Contract;

namespace LabSite.Grader.Evaluation;

/// <summary>
/// What a check is evaluated against: the live cluster, when the step and the lab started (for flow windows) and the
/// learner's answer (answer checks only).
/// </summary>
public sealed record CheckContext(ILabCluster Cluster, DateTimeOffset StepStartedAt, DateTimeOffset LabStartedAt, string? Answer = null)
{
    /// <summary>The cluster's flow and map inspection; null when the backend offers none yet.</summary>
    public IClusterInspector? Inspector => Cluster as IClusterInspector;
}
