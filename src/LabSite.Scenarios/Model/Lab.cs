namespace LabSite.Scenarios.Model;

/// <summary>
/// A parsed, valid lab: its front matter, introduction and ordered steps.
/// Produced by the lab loader from <c>content/labs/&lt;id&gt;/lab.md</c>; immutable once built.
/// </summary>
public sealed record Lab(
    LabMeta Meta,
    string Directory,
    string SourcePath,
    string IntroHtml,
    IReadOnlyList<LabStep> Steps,
    IReadOnlyList<LabFile> Files)
{
    public string Id => Meta.Id;

    public LabStep? FindStep(string stepId) => Steps.FirstOrDefault(s => s.Id == stepId);
}

/// <summary>
/// The lab's YAML front matter; <paramref name="Nodes"/> is the cluster's node count (<c>nodes:</c>, 1 to 3);
/// <paramref name="Clusters"/> a Cluster Mesh (<c>clusters:</c>), the first entry the lab's own cluster, or null.
/// </summary>
public sealed record LabMeta(
    string Id,
    string Title,
    string Summary,
    int DurationMinutes,
    Difficulty Difficulty,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> CcaDomains,
    IReadOnlyList<string> Backends,
    IReadOnlyList<string>? OutsideHosts = null,
    int Nodes = 1,
    IReadOnlyList<LabSite.Clusters.Contract.MeshCluster>? Clusters = null)
{
    /// <summary>The lab's outside world (<c>outside:</c>): <c>NAME [ttl=SECONDS]</c> lines; empty for none.</summary>
    public IReadOnlyList<string> Outside => OutsideHosts ?? [];
}

public enum Difficulty { Beginner, Intermediate, Advanced }

/// <summary>A file the learner uses (a manifest, a policy), relative to the lab folder.</summary>
public sealed record LabFile(string RelativePath, string FullPath);

/// <summary>Where something was written: 1-based line and column in a file.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
