using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>
/// The <c>fieldValidation</c> query parameter of writes: <c>Strict</c> refuses an object with fields its schema does
/// not name (kube-apiserver's "strict decoding error"), <c>Warn</c> (the default) stores it and warns, <c>Ignore</c> says nothing.
/// </summary>
internal static class FieldValidation
{
    public static IResult? Check(HttpContext http, ResourceKind kind, JsonObject body)
    {
        var mode = http.Request.Query["fieldValidation"].ToString();
        if (mode == "Ignore")
        {
            return null;
        }
        // Capped: a stranger's object may hold thousands of made-up fields.
        var unknown = UnknownFields.Find(KindSchemas.For(kind), body).Take(MaxReported).ToList();
        if (unknown.Count == 0)
        {
            return null;
        }
        var list = string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""));
        if (mode == "Strict")
        {
            return KubeStatus.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: strict decoding error: {list}");
        }
        foreach (var field in unknown)
        {
            http.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{HeaderSafe(field)}\\\"\"");
        }
        return null;
    }

    private const int MaxReported = 20;

    /// <summary>A field name as a quoted-string's content: printable ASCII only, quotes and backslashes escaped.</summary>
    private static string HeaderSafe(string field) =>
        string.Concat(field.Select(c => c is '"' or '\\' ? $"\\\\\\{c}" : c is < ' ' or > '~' ? "?" : c.ToString()));
}
