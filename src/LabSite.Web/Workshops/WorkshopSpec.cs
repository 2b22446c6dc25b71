namespace LabSite.Web.Workshops;

/// <summary>What an instructor or operator asks for when creating a workshop.</summary>
public sealed record WorkshopSpec(
    string Title, IReadOnlyList<string> LabIds, DateTime StartsAt, DateTime EndsAt, int Seats,
    string Backend = "netns", IReadOnlyList<string>? AllowedEmails = null, bool Rehearsal = false)
{
    public static readonly IReadOnlySet<string> Backends = new HashSet<string>(StringComparer.Ordinal) { "netns", "kind" };

    /// <summary>Every problem, each naming the field; empty when the spec can be created.</summary>
    public IReadOnlyList<string> Validate(Func<string, bool> labExists)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Title) || Title.Length > WorkshopLimits.TitleLength || Title.Any(char.IsControl))
        {
            errors.Add($"title: must be 1 to {WorkshopLimits.TitleLength} printable characters");
        }
        if (LabIds.Count is 0 or > WorkshopLimits.MaxLabs)
        {
            errors.Add($"labs: give 1 to {WorkshopLimits.MaxLabs} lab ids");
        }
        errors.AddRange(LabIds.Where(l => !labExists(l)).Select(l => $"labs: no lab has the id \"{l}\""));
        if (LabIds.Distinct(StringComparer.Ordinal).Count() != LabIds.Count)
        {
            errors.Add("labs: a lab is listed twice");
        }
        if (StartsAt.Kind != DateTimeKind.Utc || EndsAt.Kind != DateTimeKind.Utc)
        {
            errors.Add("start/end: times must be UTC");
        }
        if (EndsAt <= StartsAt)
        {
            errors.Add($"end: {EndsAt:u} is not after the start {StartsAt:u}");
        }
        if (Seats < 1 || Seats > WorkshopLimits.MaxSeats)
        {
            errors.Add($"seats: {Seats} is not between 1 and {WorkshopLimits.MaxSeats}");
        }
        if (Rehearsal && Seats != 1)
        {
            errors.Add("seats: a rehearsal has one seat, the instructor's");
        }
        if (!Backends.Contains(Backend))
        {
            errors.Add($"backend: \"{Backend}\" is not one of {string.Join(", ", Backends)}");
        }
        errors.AddRange((AllowedEmails ?? []).Where(e => !IsEmail(e)).Select(e => $"allowed emails: \"{e}\" is not an email address"));
        return errors;
    }

    internal static bool IsEmail(string e) =>
        e.Length <= WorkshopLimits.EmailLength && e.IndexOf('@') is > 0 and var at && at < e.Length - 1 && !e.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
