namespace LabSite.Web;

/// <summary>What htmx tells the server about a request (it sends <c>HX-Request: true</c> on every request it makes).</summary>
public static class HtmxRequest
{
    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";
}
