namespace LabSite.Scenarios.Exams.Engine;

/// <summary>
/// Draws one exam: each domain gets its largest-remainder share of the blueprint's question count, questions are
/// picked at random without repeats inside each domain, and the whole paper is shuffled so domains interleave.
/// The caller passes the <see cref="Random"/>, so a seed reproduces a paper exactly.
/// </summary>
public static class ExamSampler
{
    public static IReadOnlyList<ExamQuestion> Sample(QuestionBank bank, ExamBlueprint blueprint, Random rng)
    {
        var paper = new List<ExamQuestion>(blueprint.Questions);
        foreach (var (domainId, count) in Apportionment.For(blueprint))
        {
            // Ordered by id before shuffling so the draw depends only on the seed, not on file order.
            var pool = bank.InDomain(blueprint.Id, domainId).DistinctBy(q => q.Id).OrderBy(q => q.Id, StringComparer.Ordinal).ToArray();
            if (pool.Length < count)
            {
                throw new InvalidOperationException(
                    $"domain '{domainId}' of blueprint '{blueprint.Id}' has {pool.Length} question(s) but the exam needs {count}; run `labsite exam validate`");
            }
            Shuffle.InPlace(pool, rng);
            paper.AddRange(pool.Take(count));
        }
        var result = paper.ToArray();
        Shuffle.InPlace(result, rng);
        return result;
    }
}

/// <summary>Fisher–Yates shuffles driven by a caller's <see cref="Random"/>.</summary>
public static class Shuffle
{
    public static void InPlace<T>(T[] items, Random rng)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// The display order of a question's options for one attempt: element <c>k</c> is the written index of the
    /// option shown in position <c>k</c>. Persisted with the attempt so a reload shows the same order.
    /// </summary>
    public static int[] OptionOrder(int optionCount, Random rng)
    {
        var order = Enumerable.Range(0, optionCount).ToArray();
        InPlace(order, rng);
        return order;
    }
}
