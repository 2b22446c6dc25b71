using System.Text.RegularExpressions;
using LabSite.Scenarios.Model;

namespace LabSite.Web.Labs;

/// <summary>
/// Points a lab's relative links (<c>[web.yaml](manifests/web.yaml)</c>, written relative to the lab folder) at
/// the lab's file route, so they work from any page URL. Only links to files the lab ships are changed; done
/// once when the catalog is loaded.
/// </summary>
public static partial class LabLinks
{
    public static Lab Rebase(Lab lab)
    {
        var files = lab.Files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        if (files.Count == 0)
        {
            return lab;
        }

        string Fix(string html) => RelativeUrl().Replace(html, m =>
        {
            var url = m.Groups["url"].Value;
            var path = Uri.UnescapeDataString(url.Split('#', '?')[0]).TrimStart('.', '/');
            return files.Contains(path) ? $"{m.Groups["attr"].Value}=\"{LabRoutes.File(lab.Id, path)}\"" : m.Value;
        });

        return lab with
        {
            IntroHtml = Fix(lab.IntroHtml),
            Steps = [.. lab.Steps.Select(s => s with
            {
                Html = Fix(s.Html),
                Hints = [.. s.Hints.Select(h => h with { Html = Fix(h.Html) })],
                Solution = s.Solution is null ? null : s.Solution with { Html = Fix(s.Solution.Html) },
            })],
        };
    }

    /// <summary>href/src values that are relative paths: no scheme, not absolute, not a same-page anchor.</summary>
    [GeneratedRegex(@"(?<attr>\b(?:href|src))=""(?<url>(?![a-zA-Z][a-zA-Z0-9+.-]*:)[^""#/][^""]*)""")]
    private static partial Regex RelativeUrl();
}
