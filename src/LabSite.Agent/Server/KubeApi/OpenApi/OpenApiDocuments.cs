using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>
/// OpenAPI v3 as kube-apiserver serves it: <c>/openapi/v3</c> lists a document per group/version, each with the
/// kinds' schemas as components and their paths. kubectl reads the PATCH operations' <c>fieldValidation</c> parameter
/// to decide that the server validates fields (so <c>apply</c>/<c>create</c> validate by default), and <c>explain</c>
/// reads the schemas. Built once: the kinds never change while the agent runs.
/// </summary>
internal static class OpenApiDocuments
{
    private static readonly Dictionary<string, string> s_documents = KubeApiKinds.All
        .GroupBy(k => GroupVersionPath(k.Group, k.Version))
        .ToDictionary(g => g.Key, g => Document(g.Key, [.. g]).ToJsonString());

    /// <summary><c>api/v1</c> or <c>apis/apps/v1</c>: the index's key for a group/version.</summary>
    public static string GroupVersionPath(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>The index; each entry's URL carries the document's hash, as kubectl's cache expects.</summary>
    public static JsonObject Index(string prefix)
    {
        var paths = new JsonObject();
        foreach (var (path, text) in s_documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"{prefix}/openapi/v3/{path}?hash={Hash(text)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group/version (<c>api/v1</c>), as JSON text; null when the lab serves no such group/version.</summary>
    public static string? Find(string groupVersionPath) => s_documents.GetValueOrDefault(groupVersionPath);

    public static string Hash(string text) => Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static JsonObject Document(string gvPath, IReadOnlyList<ResourceKind> kinds)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var kind in kinds)
        {
            var component = KindSchemas.ComponentName(kind);
            schemas[component] = KindSchemas.For(kind).DeepClone();
            var collection = kind.Namespaced ? $"/{gvPath}/namespaces/{{namespace}}/{kind.Plural}" : $"/{gvPath}/{kind.Plural}";
            paths[collection] = new JsonObject
            {
                ["get"] = Operation(kind, "list", component, kind.Namespaced),
                ["post"] = Operation(kind, "post", component, kind.Namespaced),
            };
            paths[$"{collection}/{{name}}"] = new JsonObject
            {
                ["get"] = Operation(kind, "get", component, kind.Namespaced),
                ["put"] = Operation(kind, "put", component, kind.Namespaced),
                ["patch"] = Operation(kind, "patch", component, kind.Namespaced),
                ["delete"] = Operation(kind, "delete", component, kind.Namespaced),
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "LabSite lab cluster", ["version"] = "v1.34.0-labsite" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(ResourceKind kind, string action, string component, bool namespaced)
    {
        var parameters = new JsonArray();
        if (namespaced)
        {
            parameters.Add(Parameter("namespace", "path", "Namespace of the object."));
        }
        if (action is not ("list" or "post"))
        {
            parameters.Add(Parameter("name", "path", $"Name of the {kind.Kind}."));
        }
        if (action is "post" or "put" or "patch")
        {
            parameters.Add(Parameter("dryRun", "query", "All: check the request but store nothing."));
            parameters.Add(Parameter("fieldManager", "query", "Name of the actor making the change."));
            parameters.Add(Parameter("fieldValidation", "query", "Ignore, Warn or Strict: what the server does with unknown or duplicate fields."));
        }
        if (action is "list")
        {
            foreach (var (name, description) in new[] { ("labelSelector", "Objects whose labels match."), ("fieldSelector", "Objects whose fields match."), ("watch", "Stream changes instead of a list."), ("resourceVersion", "Where a watch starts.") })
            {
                parameters.Add(Parameter(name, "query", description));
            }
        }
        var schema = new JsonObject { ["$ref"] = $"#/components/schemas/{component}" };
        var operation = new JsonObject
        {
            ["description"] = $"{action} {kind.Plural}",
            ["operationId"] = $"{action}{kind.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } } },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind },
        };
        if (action is "post" or "put" or "patch")
        {
            var type = action == "patch" ? (KubeApiKinds.IsCustom(kind) ? "application/merge-patch+json" : "application/strategic-merge-patch+json") : "application/json";
            operation["requestBody"] = new JsonObject { ["content"] = new JsonObject { [type] = new JsonObject { ["schema"] = schema.DeepClone() } } };
        }
        return operation;
    }

    private static JsonObject Parameter(string name, string @in, string description) => new()
    {
        ["name"] = name,
        ["in"] = @in,
        ["description"] = description,
        ["required"] = @in == "path",
        ["schema"] = new JsonObject { ["type"] = "string" },
    };
}
