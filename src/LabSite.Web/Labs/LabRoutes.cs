namespace LabSite.Web.Labs;

/// <summary>
/// Every lab URL in one place, so pages, fragments and redirects agree. Page URLs are what learners see
/// and bookmark; <c>/hx/...</c> URLs return fragments for htmx (the catalog's search) and never appear in the address bar.
/// </summary>
public static class LabRoutes
{
    public const string Catalog = "/labs";

    public static string Overview(string labId) => $"/labs/{labId}";

    public static string File(string labId, string relativePath) =>
        $"/labs/{labId}/files/{string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString))}";

    public static string Play(string labId) => $"/labs/{labId}/play";

    public static string Step(string labId, string stepId) => $"/labs/{labId}/steps/{stepId}";

    public static string HintsNext(string labId, string stepId) => $"{Step(labId, stepId)}/hints/next";

    public static string Solution(string labId, string stepId) => $"{Step(labId, stepId)}/solution";

    public static string Completion(string labId, string stepId, bool done) =>
        $"{Step(labId, stepId)}/completion?done={(done ? "true" : "false")}";

    public const string ResultsFragment = "/hx/labs/results";
}
