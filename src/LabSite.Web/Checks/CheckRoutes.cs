using LabSite.Web.Labs;

namespace LabSite.Web.Checks;

/// <summary>Addresses of the Check action.</summary>
public static class CheckRoutes
{
    /// <summary>POST: the Check form without JavaScript; evaluates the step's checks and redirects back.</summary>
    public static string Check(string labId, string stepId) => $"{LabRoutes.Step(labId, stepId)}/check";
}
