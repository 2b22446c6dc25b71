namespace LabSite.Web.Components;

/// <summary>The request header htmx uses to send the antiforgery token (configured in <c>AddSitePages</c>).</summary>
public static class AntiforgeryHeader
{
    public const string Name = "X-LabSite-Antiforgery";
}
