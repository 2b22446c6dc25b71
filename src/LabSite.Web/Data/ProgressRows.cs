namespace LabSite.Web.Data;

/// <summary>One learner's place in one lab. <see cref="LearnerId"/> is the cookie form of <c>Web.Learners.LearnerId</c>.</summary>
public sealed class LabProgressRow
{
    public required string LearnerId { get; set; }

    public required string LabId { get; set; }

    /// <summary>The step the learner last opened; null until they open one.</summary>
    public string? CurrentStepId { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>What one learner has done in one step: opened it, finished it, hints and solution seen.</summary>
public sealed class StepProgressRow
{
    public required string LearnerId { get; set; }

    public required string LabId { get; set; }

    public required string StepId { get; set; }

    public DateTime VisitedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>How many hints are shown, counted from the first (hints are revealed in order).</summary>
    public int HintsRevealed { get; set; }

    public bool SolutionShown { get; set; }
}
