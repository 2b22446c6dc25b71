namespace LabSite.Web.Exams.Data;

/// <summary>
/// One mock-exam attempt. Only the start and the deadline are stored for the timer: the remaining time is always
/// computed from them, so a reload or a server restart neither pauses nor resets the clock.
/// </summary>
public sealed class ExamAttemptRow
{
    public required string Id { get; set; }

    /// <summary>The cookie form of the learner id; attempts are only ever shown to their learner.</summary>
    public required string LearnerId { get; set; }

    public required string BlueprintId { get; set; }

    public int PassPercent { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime Deadline { get; set; }

    /// <summary>Null while the attempt is open.</summary>
    public DateTime? SubmittedAt { get; set; }

    /// <summary>True when the server submitted the attempt because its deadline passed.</summary>
    public bool AutoSubmitted { get; set; }

    /// <summary>Filled at submission, so the history needs no re-scoring.</summary>
    public int? Correct { get; set; }

    public int Total { get; set; }

    public List<ExamAttemptItemRow> Items { get; set; } = [];
}

/// <summary>One question of an attempt, in paper order, with the option order shown to this learner.</summary>
public sealed class ExamAttemptItemRow
{
    public required string AttemptId { get; set; }

    /// <summary>1-based position in the paper.</summary>
    public int Position { get; set; }

    public required string QuestionId { get; set; }

    /// <summary>Written option indexes in display order, comma-separated ("2,0,3,1"): persisted so reloads keep the order.</summary>
    public required string OptionOrder { get; set; }

    /// <summary>Chosen written option indexes, comma-separated; empty when unanswered.</summary>
    public string Selected { get; set; } = "";

    public bool Flagged { get; set; }
}

/// <summary>A learner's Leitner box for one missed question (spaced repetition).</summary>
public sealed class ExamReviewRow
{
    public required string LearnerId { get; set; }

    public required string QuestionId { get; set; }

    public int Box { get; set; }

    public DateTime DueAt { get; set; }
}
