namespace LabSite.Scenarios.Exams.Engine;

/// <summary>One answered (or unanswered) question of an attempt; <see cref="Selected"/> holds written option indexes.</summary>
public sealed record AnsweredQuestion(ExamQuestion Question, IReadOnlySet<int> Selected)
{
    /// <summary>
    /// Right only when the selection is exactly the set of correct options: multiple-answer questions are
    /// all-or-nothing, as on the real exam, so one missing or one extra choice scores zero.
    /// </summary>
    public bool IsCorrect => Selected.SetEquals(Question.CorrectIndexes);

    public bool IsAnswered => Selected.Count > 0;
}

/// <summary>How one domain went in an attempt.</summary>
public sealed record DomainScore(string DomainId, string DomainName, int Correct, int Total)
{
    public double Percent => Total == 0 ? 0 : 100.0 * Correct / Total;
}

/// <summary>An attempt's result: overall score, pass or fail against the blueprint's mark, and a per-domain breakdown.</summary>
public sealed record ExamScore(int Correct, int Total, int PassPercent, IReadOnlyList<DomainScore> Domains)
{
    public double Percent => Total == 0 ? 0 : 100.0 * Correct / Total;

    /// <summary>Compared in integers (correct·100 ≥ pass·total) so 45/60 at a 75 % mark passes exactly.</summary>
    public bool Passed => Total > 0 && Correct * 100 >= PassPercent * Total;

    /// <summary>Domains under the pass mark that had questions, weakest first: what to practise next.</summary>
    public IEnumerable<DomainScore> WeakDomains =>
        Domains.Where(d => d.Total > 0 && d.Correct * 100 < PassPercent * d.Total).OrderBy(d => d.Percent);
}

/// <summary>Scores attempts. Pure: the same answers always give the same score.</summary>
public static class ExamScorer
{
    public static ExamScore Score(ExamBlueprint blueprint, IReadOnlyList<AnsweredQuestion> answers)
    {
        var domains = blueprint.Domains
            .Select(d =>
            {
                var inDomain = answers.Where(a => a.Question.DomainIn(blueprint.Id) == d.Id).ToArray();
                return new DomainScore(d.Id, d.Name, inDomain.Count(a => a.IsCorrect), inDomain.Length);
            })
            .ToArray();
        return new ExamScore(answers.Count(a => a.IsCorrect), answers.Count, blueprint.PassPercent, domains);
    }
}
