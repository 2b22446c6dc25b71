using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// metav1.Status failures, worded as kube-apiserver words them, so kubectl prints <c>Error from server (NotFound): ...</c>.
/// The object store reports errors as kubectl's lines; <see cref="FromStoreError"/> turns one back into a Status.
/// </summary>
internal static partial class KubeStatus
{
    public static IResult Failure(int code, string reason, string message, JsonObject? details = null) =>
        KubeResults.Json(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details ?? new JsonObject(),
            ["code"] = code,
        }, code);

    public static IResult Success(ResourceKind kind, string name) =>
        KubeResults.Json(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = Details(kind, name),
        });

    public static IResult NotFound(ResourceKind kind, string name) =>
        Failure(404, "NotFound", $"{kind.QualifiedPlural} \"{name}\" not found", Details(kind, name));

    /// <summary>A path the lab does not serve (another lab's, an unknown resource): kube-apiserver's bare 404.</summary>
    public static IResult NoSuchPath() => Failure(404, "NotFound", "the server could not find the requested resource");

    public static IResult BadRequest(string message) => Failure(400, "BadRequest", message);

    public static IResult Unauthorized() => Failure(401, "Unauthorized", "Unauthorized");

    public static IResult MethodNotAllowed(string message) => Failure(405, "MethodNotAllowed", message);

    public static IResult UnsupportedMediaType(string contentType) =>
        Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format ({contentType}) - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json (built-in kinds)");

    public static JsonObject Details(ResourceKind kind, string name)
    {
        var details = new JsonObject { ["name"] = name, ["kind"] = kind.Plural };
        if (kind.Group.Length > 0)
        {
            details["group"] = kind.Group;
        }
        return details;
    }

    /// <summary>The Status for one of the store's error lines (<c>Error from server (AlreadyExists): error when creating "x": ...</c>).</summary>
    public static IResult FromStoreError(string error, ResourceKind kind, string name)
    {
        var text = LineSuffix().Replace(error, "");
        if (FromServer().Match(text) is { Success: true } server)
        {
            var reason = server.Groups["reason"].Value;
            var code = reason switch
            {
                "NotFound" => 404,
                "AlreadyExists" or "Conflict" => 409,
                "Forbidden" => 403,
                "Invalid" => 422,
                "BadRequest" => 400,
                _ => 500,
            };
            return Failure(code, reason, server.Groups["message"].Value, Details(kind, name));
        }
        if (Invalid().Match(text) is { Success: true } invalid)
        {
            var details = Details(kind, name);
            details["causes"] = Causes(invalid.Groups["errors"].Value);
            return Failure(422, "Invalid", text, details);
        }
        return BadRequest(text.StartsWith("error: ", StringComparison.Ordinal) ? text["error: ".Length..] : text);
    }

    /// <summary>One cause per field error (<c>spec.replicas: Invalid value: -1: must be ...</c>), naming the field.</summary>
    private static JsonArray Causes(string errors)
    {
        var list = errors.StartsWith('[') && errors.EndsWith(']') ? errors[1..^1] : errors;
        var causes = new JsonArray();
        foreach (var one in NextFieldError().Split(list))
        {
            var colon = one.IndexOf(": ", StringComparison.Ordinal);
            var (field, message) = colon > 0 ? (one[..colon], one[(colon + 2)..]) : ("", one);
            causes.Add(new JsonObject { ["reason"] = CauseReason(message), ["message"] = message, ["field"] = field });
        }
        return causes;
    }

    private static string CauseReason(string message) =>
        message.StartsWith("Required value", StringComparison.Ordinal) ? "FieldValueRequired"
        : message.StartsWith("Unsupported value", StringComparison.Ordinal) ? "FieldValueNotSupported"
        : message.StartsWith("Duplicate value", StringComparison.Ordinal) ? "FieldValueDuplicate"
        : message.StartsWith("Forbidden", StringComparison.Ordinal) ? "FieldValueForbidden"
        : "FieldValueInvalid";

    [GeneratedRegex(@" at line \d+$")]
    private static partial Regex LineSuffix();

    [GeneratedRegex(@"^Error from server \((?<reason>\w+)\): (?:error when \w+ ""[^""]*"": )?(?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex FromServer();

    [GeneratedRegex(@"^The \w+ ""[^""]*"" is invalid: (?<errors>.*)$", RegexOptions.Singleline)]
    private static partial Regex Invalid();

    [GeneratedRegex(@", (?=[\w.\[\]*-]+: )")]
    private static partial Regex NextFieldError();
}
