using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Kind.Tools;

/// <summary>A stage whose tool failed: names the cluster, the stage, the exit code and the tool's last lines.</summary>
public sealed class StageFailedException(string cluster, string stage, ToolResult result)
    : ClusterException($"create {cluster}: {stage} failed (exit {result.ExitCode}):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", result.LastLines.TakeLast(8))}")
{
    public string Stage { get; } = stage;
}
