using System.Text.RegularExpressions;

namespace LabSite.Scenarios.Model;

/// <summary>The shape of lab, step and check ids: they appear in URLs and progress records, so they stay simple.</summary>
public static partial class LabIds
{
    public const string Rule = "lowercase letters, digits and single dashes";

    public static bool IsValid(string id) => Pattern().IsMatch(id);

    /// <summary>A valid id made from a title, to suggest one: "Deploy the App!" → "deploy-the-app".</summary>
    public static string Slug(string text)
    {
        var slug = NonWord().Replace(text.ToLowerInvariant(), "-").Trim('-');
        return slug.Length == 0 ? "step" : slug;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonWord();
}
