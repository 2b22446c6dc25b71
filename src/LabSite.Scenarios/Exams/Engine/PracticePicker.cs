namespace LabSite.Scenarios.Exams.Engine;

/// <summary>
/// Chooses the next practice question from a scope (a domain or a topic): a missed question that is due comes
/// first (lowest box, then longest overdue); otherwise a random one, avoiding the ones just seen.
/// </summary>
public static class PracticePicker
{
    public static ExamQuestion? Next(
        IReadOnlyList<ExamQuestion> scope,
        IReadOnlyDictionary<string, ReviewState> reviews,
        IReadOnlyCollection<string> recentlySeen,
        DateTimeOffset now,
        Random rng)
    {
        if (scope.Count == 0)
        {
            return null;
        }
        var due = scope
            .Where(q => reviews.TryGetValue(q.Id, out var r) && Leitner.IsDue(r, now) && !recentlySeen.Contains(q.Id))
            .OrderBy(q => reviews[q.Id].Box).ThenBy(q => reviews[q.Id].DueAt).ThenBy(q => q.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        if (due is not null)
        {
            return due;
        }
        var fresh = scope.Where(q => !recentlySeen.Contains(q.Id)).ToArray();
        var pool = fresh.Length > 0 ? fresh : scope.ToArray();
        return pool[rng.Next(pool.Length)];
    }
}
