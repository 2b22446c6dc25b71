using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Agent.Server.KubeApi.OpenApi;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// create, update, patch and delete, through the contract's <see cref="ILabCluster.ApplyAsync"/> (an object is a
/// one-document manifest), so the lab's own validation and controllers apply and its errors become Status errors.
/// </summary>
internal static class KubeWrites
{
    public static async Task<IResult> CreateAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        var kind = path.Kind!;
        if (Refused(kind) is { } refused)
        {
            return refused;
        }
        if (await ReadObjectAsync(http, kind, path.Namespace) is not { } body)
        {
            return BodyError(http);
        }
        var metadata = (JsonObject)body["metadata"]!;
        if (string.IsNullOrEmpty((string?)metadata["name"]) && (string?)metadata["generateName"] is { Length: > 0 } prefix)
        {
            metadata["name"] = prefix + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..5];
        }
        var name = (string?)metadata["name"] ?? "";
        return await CommitAsync(http, cluster, kind, path.Namespace, name, body, ApplyMode.Create, 201, ct);
    }

    public static async Task<IResult> ReplaceAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        var kind = path.Kind!;
        if (Refused(kind) is { } refused)
        {
            return refused;
        }
        if (await ReadObjectAsync(http, kind, path.Namespace) is not { } body)
        {
            return BodyError(http);
        }
        if ((string?)body["metadata"]!["name"] != path.Name)
        {
            return KubeStatus.BadRequest($"the name of the object ({(string?)body["metadata"]!["name"]}) does not match the name on the URL ({path.Name})");
        }
        return await CommitAsync(http, cluster, kind, path.Namespace, path.Name!, body, ApplyMode.Replace, 200, ct);
    }

    public static async Task<IResult> PatchAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        var kind = path.Kind!;
        if (Refused(kind) is { } refused)
        {
            return refused;
        }
        if (await KubeReads.FindAsync(cluster, path, ct) is not { } current)
        {
            return KubeStatus.NotFound(kind, path.Name!);
        }
        if (await PatchedAsync(http, !KubeApiKinds.IsCustom(kind), current.Json) is not { } patched)
        {
            return BodyError(http);
        }
        if ((string?)patched["metadata"]?["name"] != path.Name || (string?)patched["metadata"]?["namespace"] != current.Namespace)
        {
            return KubeStatus.BadRequest("a patch may not change metadata.name or metadata.namespace");
        }
        return await CommitAsync(http, cluster, kind, path.Namespace, path.Name!, patched, ApplyMode.Replace, 200, ct);
    }

    public static async Task<IResult> DeleteAsync(HttpContext http, ILabCluster cluster, KubePath path, CancellationToken ct)
    {
        var kind = path.Kind!;
        if (await KubeReads.FindAsync(cluster, path, ct) is not { } current)
        {
            return KubeStatus.NotFound(kind, path.Name!);
        }
        var policy = http.Request.Query["propagationPolicy"].ToString();
        if (policy.Length == 0 && http.Request.ContentLength > 0 && await ReadJsonAsync(http) is JsonObject options)
        {
            policy = (string?)options["propagationPolicy"] ?? "";
        }
        if (policy == "Orphan")
        {
            return KubeStatus.BadRequest("propagationPolicy Orphan is not supported: a lab's controllers delete what a Deployment owns along with it (use Background or Foreground)");
        }
        var stub = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = new JsonObject { ["name"] = path.Name } };
        if (kind.Namespaced)
        {
            stub["metadata"]!["namespace"] = current.Namespace;
        }
        var result = await cluster.ApplyAsync(new ManifestText(stub.ToJsonString(), Source(kind, path.Name!)), ApplyMode.Delete, ct);
        return result.Succeeded ? KubeResults.Json(current.Json) : KubeStatus.FromStoreError(result.Errors[0], kind, path.Name!);
    }

    /// <summary>Stores <paramref name="body"/> and answers with the stored object (its server-set fields filled in).</summary>
    public static async Task<IResult> CommitAsync(HttpContext http, ILabCluster cluster, ResourceKind kind, string? ns, string name, JsonObject body, ApplyMode mode, int status, CancellationToken ct)
    {
        var (stored, error) = await StoreAsync(http, cluster, kind, ns, name, body, mode, ct);
        return error ?? KubeResults.Json(stored!.Json, status);
    }

    /// <summary>Stores <paramref name="body"/>: the stored object, or the Status error saying why not.</summary>
    public static async Task<(KubeObject? Stored, IResult? Error)> StoreAsync(HttpContext http, ILabCluster cluster, ResourceKind kind, string? ns, string name, JsonObject body, ApplyMode mode, CancellationToken ct)
    {
        if (name.Length == 0)
        {
            var details = KubeStatus.Details(kind, "");
            details["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = "Required value: name or generateName is required", ["field"] = "metadata.name" });
            return (null, KubeStatus.Failure(422, "Invalid", $"{kind.Kind}.{kind.Version} \"\" is invalid: metadata.name: Required value: name or generateName is required", details));
        }
        if (FieldValidation.Check(http, kind, body) is { } invalid)
        {
            return (null, invalid);
        }
        var result = await cluster.ApplyAsync(new ManifestText(UserFields(kind, body).ToJsonString(), Source(kind, name)), mode, ct);
        foreach (var warning in result.Warnings)
        {
            http.Response.Headers.Append("Warning", $"299 - {JsonSerializer.Serialize(warning)}");
        }
        if (!result.Succeeded)
        {
            return (null, KubeStatus.FromStoreError(result.Errors[0], kind, name));
        }
        var stored = (await KubeReads.ReadAsync(cluster, kind, ns ?? (string?)body["metadata"]?["namespace"], null, name, ct)).FirstOrDefault();
        return stored is null ? (null, KubeStatus.NotFound(kind, name)) : (stored, null);
    }

    /// <summary>What a user sets: metadata's name, namespace, labels and annotations, and everything but status.</summary>
    private static JsonObject UserFields(ResourceKind kind, JsonObject obj)
    {
        var metadata = new JsonObject();
        foreach (var key in new[] { "name", "namespace", "labels", "annotations" })
        {
            if (obj["metadata"]?[key] is { } value && (key != "namespace" || kind.Namespaced))
            {
                metadata[key] = value.DeepClone();
            }
        }
        var result = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = metadata };
        foreach (var (key, value) in obj)
        {
            if (key is not ("apiVersion" or "kind" or "metadata" or "status"))
            {
                result[key] = value?.DeepClone();
            }
        }
        return result;
    }

    private static IResult? Refused(ResourceKind kind) =>
        !KubeApiKinds.IsStored(kind) ? KubeStatus.MethodNotAllowed($"a lab cluster does not store {kind.Plural}; it only lists them")
        : KubeApiKinds.IsControllerOwned(kind) ? KubeStatus.MethodNotAllowed($"{kind.Plural} are made by the lab's controllers (from {(kind == ResourceKinds.Endpoints ? "Services" : "Deployments")}); change those instead")
        : null;

    private static string Source(ResourceKind kind, string name) => $"{kind.QualifiedPlural}/{name}";

    private const string BodyErrorItem = "LabSite.KubeApi.BodyError";

    public static IResult BodyError(HttpContext http) => http.Items[BodyErrorItem] as IResult ?? KubeStatus.BadRequest("the request body is not a JSON object");

    private static IResult Fail(HttpContext http, IResult error)
    {
        http.Items[BodyErrorItem] = error;
        return error;
    }

    /// <summary>The request's object, its apiVersion, kind and namespace checked against the path; null after a Status error.</summary>
    private static async Task<JsonObject?> ReadObjectAsync(HttpContext http, ResourceKind kind, string? ns)
    {
        if (await ReadJsonAsync(http) is not JsonObject body)
        {
            return null;
        }
        if ((string?)body["apiVersion"] is { } apiVersion && apiVersion != kind.ApiVersion || (string?)body["kind"] is { } k && k != kind.Kind)
        {
            Fail(http, KubeStatus.BadRequest($"the API version in the data ({(string?)body["apiVersion"]}) and kind ({(string?)body["kind"]}) do not match the request's ({kind.ApiVersion}, {kind.Kind})"));
            return null;
        }
        var metadata = body["metadata"] as JsonObject ?? [];
        body["metadata"] = metadata;
        if (kind.Namespaced)
        {
            var given = (string?)metadata["namespace"];
            if (given is { Length: > 0 } && given != ns)
            {
                Fail(http, KubeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request"));
                return null;
            }
            metadata["namespace"] = ns;
        }
        return body;
    }

    public static async Task<JsonNode?> ReadJsonAsync(HttpContext http)
    {
        if ((http.Request.ContentType ?? "").StartsWith(ProtobufBodies.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            // kubectl create secret|configmap: the two kinds kubectl sends as protobuf (bounded by Kestrel's request body limit).
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            if (ProtobufBodies.Read(buffer.ToArray()) is { } decoded)
            {
                return decoded;
            }
            Fail(http, KubeStatus.UnsupportedMediaType(http.Request.ContentType!));
            return null;
        }
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException e)
        {
            Fail(http, KubeStatus.BadRequest($"the request body is not valid JSON: {e.Message}"));
            return null;
        }
    }

    /// <summary>The object <paramref name="current"/> becomes under the request's patch; null after a Status error.</summary>
    public static async Task<JsonObject?> PatchedAsync(HttpContext http, bool strategicAllowed, JsonObject current)
    {
        var type = (http.Request.ContentType ?? "").Split(';')[0].Trim();
        var strategic = type == "application/strategic-merge-patch+json";
        if (!(strategic && strategicAllowed) && type != "application/merge-patch+json")
        {
            Fail(http, KubeStatus.UnsupportedMediaType(type));
            return null;
        }
        var patch = await ReadJsonAsync(http);
        if (http.Items.ContainsKey(BodyErrorItem))
        {
            return null;
        }
        try
        {
            return strategic ? MergePatch.ApplyStrategic(current, patch) : MergePatch.ApplyJsonMerge(current, patch);
        }
        catch (FormatException e)
        {
            Fail(http, KubeStatus.BadRequest($"error decoding patch: {e.Message}"));
            return null;
        }
    }
}
