namespace LabSite.Web.Terminal;

/// <summary>Addresses of the terminal tabs' HTTP actions (the WebSocket itself is <c>/labs/{labId}/terminal?tab=N</c>).</summary>
public static class TerminalRoutes
{
    /// <summary>POST, with <c>?tab=N</c> appended by the page: ends that tab's shell.</summary>
    public static string Close(string labId) => $"/labs/{labId}/terminal/close";
}
