using LabSite.Web.Labs;

namespace LabSite.Web.Checks;

/// <summary>Addresses of the Check action.</summary>
public static class CheckRoutes
{
    /// <summary>POST: evaluates the step's checks; <c>?auto=true</c> marks a background re-check (polling).</summary>
    public static string Check(string labId, string stepId, bool auto = false) =>
        $"{LabRoutes.Step(labId, stepId)}/check" + (auto ? "?auto=true" : "");
}
