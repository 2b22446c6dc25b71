namespace LabSite.Web.Workspace;

/// <summary>Addresses of the editor tab: its panel fragment and its two actions.</summary>
public static class WorkspaceRoutes
{
    /// <summary>GET: the panel (file list), with <paramref name="path"/> open in the editor when given.</summary>
    public static string Panel(string labId, string? path = null) =>
        $"/hx/labs/{labId}/workspace" + (path is null ? "" : "?path=" + Uri.EscapeDataString(path));

    /// <summary>POST path, content: saves a file.</summary>
    public static string Save(string labId) => $"/labs/{labId}/workspace/save";

    /// <summary>POST path: creates an empty file and opens it.</summary>
    public static string Create(string labId) => $"/labs/{labId}/workspace/new";
}
