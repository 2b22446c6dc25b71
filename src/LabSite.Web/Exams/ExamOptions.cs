namespace LabSite.Web.Exams;

/// <summary>
/// Exam settings, bound from the <c>ExamOptions</c> configuration section. <see cref="Sizes"/> overrides a blueprint's
/// question count and duration (used by tests for a short mock exam; the published blueprints stay 60 / 90).
/// </summary>
public sealed class ExamOptions
{
    /// <summary>Folder with blueprints/ and questions/; empty means <c>&lt;content&gt;/exams/cca</c>.</summary>
    public string BankDirectory { get; set; } = "";

    public Dictionary<string, ExamSize> Sizes { get; set; } = [];
}

/// <summary>A question count and a duration in minutes (fractions allowed, so tests can run a 30-second exam).</summary>
public sealed class ExamSize
{
    public int Questions { get; set; }

    public double Minutes { get; set; }
}
