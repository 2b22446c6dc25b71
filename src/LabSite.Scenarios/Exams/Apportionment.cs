namespace LabSite.Scenarios.Exams;

/// <summary>
/// Splits an exam's question count over its domains by weight with the largest-remainder (Hamilton) method:
/// every domain gets the floor of its exact share, and the seats left over go to the largest fractional parts.
/// Ties go to the domain listed first, so the split is deterministic.
/// </summary>
public static class Apportionment
{
    public static IReadOnlyDictionary<string, int> LargestRemainder(IReadOnlyList<BlueprintDomain> domains, int total)
    {
        var weightSum = domains.Sum(d => d.Weight);
        if (weightSum <= 0 || total < 0)
        {
            throw new ArgumentException($"cannot apportion {total} questions over weights summing to {weightSum}");
        }

        // Integer arithmetic: share = weight * total / weightSum, remainder kept exactly as weight * total % weightSum.
        var seats = domains.Select(d => (d.Id, Seats: d.Weight * total / weightSum, Remainder: d.Weight * total % weightSum, Order: 0)).ToArray();
        for (var i = 0; i < seats.Length; i++)
        {
            seats[i].Order = i;
        }
        var left = total - seats.Sum(s => s.Seats);
        foreach (var index in seats.OrderByDescending(s => s.Remainder).ThenBy(s => s.Order).Take(left).Select(s => s.Order).ToArray())
        {
            seats[index].Seats++;
        }
        return seats.ToDictionary(s => s.Id, s => s.Seats);
    }

    public static IReadOnlyDictionary<string, int> For(ExamBlueprint blueprint) => LargestRemainder(blueprint.Domains, blueprint.Questions);
}
