namespace LabSite.Scenarios.Yaml;

/// <summary>Finds the known word an author most likely meant (for "did you mean ...?" suggestions).</summary>
public static class ClosestMatch
{
    /// <summary>The candidate within a small edit distance of <paramref name="word"/>, or null when none is close.</summary>
    public static string? Find(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // A third of the length (at least 1) catches typos and case/underscore slips, not unrelated words.
        var limit = Math.Max(1, word.Length / 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions ("tilte" → "title" is 1).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
