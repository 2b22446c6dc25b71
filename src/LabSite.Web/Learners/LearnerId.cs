namespace LabSite.Web.Learners;

/// <summary>
/// An anonymous learner's durable identity: a random id kept in a cookie, never derived from
/// anything personal. Progress and exam attempts are keyed by it.
/// </summary>
public readonly record struct LearnerId(Guid Value)
{
    public static LearnerId New() => new(Guid.NewGuid());

    /// <summary>Parses the cookie form (32 hex digits); anything else is not a learner id.</summary>
    public static bool TryParse(string? text, out LearnerId id)
    {
        if (text is { Length: 32 } && Guid.TryParseExact(text, "N", out var guid) && guid != Guid.Empty)
        {
            id = new LearnerId(guid);
            return true;
        }

        id = default;
        return false;
    }

    public override string ToString() => Value.ToString("N");
}
