namespace LabSite.Web.Exams;

/// <summary>Every exam URL in one place, so pages, endpoints and tests agree.</summary>
public static class ExamRoutes
{
    public const string Home = "/exams";

    public const string StartMock = "/exams/mock";

    public const string Practice = "/exams/practice";

    public const string PracticeAnswer = "/exams/practice/answer";

    public const string PracticeAnswered = "/exams/practice/answered";

    public static string Question(string attemptId, int position) => $"/exams/attempts/{attemptId}/questions/{position}";

    /// <summary>Where a question's form posts; apart from the page's own URL, which Razor components also claim for POST.</summary>
    public static string Answer(string attemptId, int position) => $"/exams/attempts/{attemptId}/questions/{position}/answer";

    public static string Review(string attemptId) => $"/exams/attempts/{attemptId}/review";

    public static string Submit(string attemptId) => $"/exams/attempts/{attemptId}/submit";

    public static string Results(string attemptId) => $"/exams/attempts/{attemptId}/results";

    public static string PracticeIn(string blueprintId, string? domain = null, string? topic = null, bool review = false)
    {
        var query = new List<string> { $"blueprint={Uri.EscapeDataString(blueprintId)}" };
        if (domain is not null)
        {
            query.Add($"domain={Uri.EscapeDataString(domain)}");
        }
        if (topic is not null)
        {
            query.Add($"topic={Uri.EscapeDataString(topic)}");
        }
        if (review)
        {
            query.Add("review=1");
        }
        return Practice + "?" + string.Join("&", query);
    }
}
