using LabSite.Scenarios.Model;

namespace LabSite.Web.Labs;

/// <summary>
/// The catalog's search and filters, as they arrive in the query string (<c>?q=&amp;tag=&amp;difficulty=&amp;domain=</c>).
/// Filtering is server-side so the page works the same with and without JavaScript.
/// </summary>
public sealed record LabFilter(string? Query, string? Tag, Difficulty? Difficulty, string? Domain)
{
    public static readonly LabFilter None = new(null, null, null, null);

    /// <summary>Builds a filter from raw query values; unknown difficulties are ignored rather than matching nothing.</summary>
    public static LabFilter From(string? query, string? tag, string? difficulty, string? domain) => new(
        string.IsNullOrWhiteSpace(query) ? null : query.Trim(),
        string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(),
        Enum.TryParse<Difficulty>(difficulty, ignoreCase: true, out var d) && Enum.IsDefined(d) ? d : null,
        string.IsNullOrWhiteSpace(domain) ? null : domain.Trim());

    public bool IsEmpty => this == None;

    /// <summary>Labs matching every given criterion, in catalog order. Each search word must appear in the title, summary, id or a tag.</summary>
    public IReadOnlyList<Lab> Apply(IEnumerable<Lab> labs)
    {
        var words = Query?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return labs.Where(lab =>
                (Tag is null || lab.Meta.Tags.Contains(Tag, StringComparer.OrdinalIgnoreCase))
                && (Difficulty is null || lab.Meta.Difficulty == Difficulty)
                && (Domain is null || lab.Meta.CcaDomains.Contains(Domain, StringComparer.OrdinalIgnoreCase))
                && words.All(w => Matches(lab.Meta, w)))
            .ToList();
    }

    /// <summary>The query string that reproduces this filter (for links and the pushed URL), empty when unfiltered.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        Add("q", Query);
        Add("tag", Tag);
        Add("difficulty", Difficulty?.ToString().ToLowerInvariant());
        Add("domain", Domain);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
    }

    private static bool Matches(LabMeta meta, string word) =>
        meta.Title.Contains(word, StringComparison.OrdinalIgnoreCase)
        || meta.Summary.Contains(word, StringComparison.OrdinalIgnoreCase)
        || meta.Id.Contains(word, StringComparison.OrdinalIgnoreCase)
        || meta.Tags.Any(t => t.Contains(word, StringComparison.OrdinalIgnoreCase));
}
