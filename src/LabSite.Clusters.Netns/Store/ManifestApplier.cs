using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Kinds;
using LabSite.Clusters.Netns.Store.Manifests;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// A manifest object that passed validation, ready to execute in a transaction, with the API server's warnings
/// about it (<c>spec...cidr: CIDR value ... is ambiguous</c>), which kubectl prints as <c>Warning: ...</c>.
/// </summary>
internal sealed record ParsedObject(ResourceKind Kind, ObjectKey Key, JsonObject Desired, ManifestDocument Document, IReadOnlyList<string> Warnings);

/// <summary>What one object's create/apply/delete did: a kubectl result line or an error.</summary>
internal readonly record struct Outcome(string? Line, string? Error)
{
    public static Outcome Done(string line) => new(line, null);

    public static Outcome Failed(string error) => new(null, error);
}

/// <summary>
/// kubectl's create/apply/delete semantics per object, with its messages. <see cref="Check"/> needs no
/// store state (parse, resolve kind, validate); <see cref="Execute"/> runs against a transaction.
/// </summary>
internal sealed class ManifestApplier(ObjectValidator validator, ServiceIpAllocator ips, Random random)
{
    private static readonly HashSet<string> s_protectedNamespaces = [ObjectStore.DefaultNamespace, "kube-system", "kube-public", "kube-node-lease"];

    public ServiceIpAllocator Ips => ips;

    public (ParsedObject? Object, IReadOnlyList<string> Errors) Check(ManifestDocument document, ApplyMode mode)
    {
        var json = document.Json;
        var src = document.Source;
        var apiVersion = json["apiVersion"] as JsonValue;
        var kindName = json["kind"] as JsonValue;
        if (apiVersion is null || kindName is null || !apiVersion.TryGetValue<string>(out _) || !kindName.TryGetValue<string>(out _))
        {
            var missing = new[] { apiVersion is null ? "apiVersion not set" : null, kindName is null ? "kind not set" : null }
                .Where(m => m is not null).ToList();
            var what = missing.Count == 0 ? "apiVersion and kind must be text" : missing.Count == 1 ? missing[0] : $"[{string.Join(", ", missing)}]";
            return (null, [$"error: error validating \"{src}\": error validating data: {what} at line {document.Line}"]);
        }
        var kind = ServedKinds.FromManifest((string)apiVersion!, (string)kindName!);
        if (kind is null)
        {
            return (null, [$"error: unable to recognize \"{src}\": no matches for kind \"{kindName}\" in version \"{apiVersion}\" at line {document.LineOf("kind")}"]);
        }
        if (kind == ResourceKinds.DaemonSet && Controllers.CiliumAgentPods.DaemonSetRefusal(new ObjectKey(kind.Kind, (string?)json["metadata"]?["namespace"] ?? "", (string?)json["metadata"]?["name"] ?? "")) is { } refused)
        {
            return (null, [$"Error from server (Forbidden): error when {Doing(mode)} \"{src}\": {refused}"]);
        }
        if (!ServedKinds.IsUserManaged(kind))
        {
            var from = kind == ResourceKinds.Endpoints ? "Services' selectors" : kind == ResourceKinds.Node ? "the lab's nodes: front matter"
                : kind == ResourceKinds.DaemonSet ? "the lab's Cilium agents, one per node; a lab runs no other DaemonSet" : "Deployments";
            return (null, [$"error: unable to apply \"{src}\": {kind.Kind} objects are managed by the lab cluster (from {from}) at line {document.LineOf("kind")}"]);
        }

        var desired = (JsonObject)json.DeepClone();
        var result = mode == ApplyMode.Delete ? ValidateForDelete(kind, desired) : validator.Validate(kind, desired);
        var name = (string?)desired["metadata"]?["name"] ?? "";
        if (result.DecodeErrors.Count > 0)
        {
            var first = result.DecodeErrors[0];
            return (null, [$"Error from server (BadRequest): error when {Doing(mode)} \"{src}\": {kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {Join(result.DecodeErrors.Select(e => e.Message))} at line {document.LineOf(first.Path)}"]);
        }
        if (result.FieldErrors.Count > 0)
        {
            return (null, [Invalid(kind, name, result.FieldErrors, document)]);
        }

        var ns = "";
        if (kind.Namespaced)
        {
            ns = (string?)desired["metadata"]?["namespace"] is { Length: > 0 } given ? given : ObjectStore.DefaultNamespace;
            ((JsonObject)desired["metadata"]!)["namespace"] = ns;
        }
        else
        {
            (desired["metadata"] as JsonObject)?.Remove("namespace"); // kubectl ignores it on cluster-scoped kinds
        }
        var warnings = result.Warnings.Select(w => w.ToString()).ToList();
        return (new ParsedObject(kind, new ObjectKey(kind.Kind, ns, name), desired, document, warnings), []);
    }

    private static ValidationResult ValidateForDelete(ResourceKind kind, JsonObject obj) =>
        string.IsNullOrEmpty((string?)obj["metadata"]?["name"])
            ? new ValidationResult([], [new FieldError("metadata.name", "Required value: name or generateName is required")])
            : new ValidationResult([], []);

    public Outcome Execute(StoreTransaction tx, ParsedObject obj, ApplyMode mode)
    {
        var existing = tx.Get(obj.Key);
        var src = obj.Document.Source;
        var (kind, key) = (obj.Kind, obj.Key);
        if (Controllers.CiliumAgentPods.Refusal(tx, kind, key, existing, mode == ApplyMode.Delete ? null : obj.Desired) is { } refused)
        {
            return Outcome.Failed($"Error from server (Forbidden): error when {Doing(mode)} \"{src}\": {refused}");
        }
        if (mode == ApplyMode.Delete)
        {
            return existing is null
                ? Outcome.Failed($"Error from server (NotFound): error when deleting \"{src}\": {kind.QualifiedPlural} \"{key.Name}\" not found at line {obj.Document.LineOf("metadata.name")}")
                : Remove(tx, kind, key, $"error when deleting \"{src}\": ");
        }
        if (existing is not null && mode == ApplyMode.Create)
        {
            return Outcome.Failed($"Error from server (AlreadyExists): error when creating \"{src}\": {kind.QualifiedPlural} \"{key.Name}\" already exists at line {obj.Document.LineOf("metadata.name")}");
        }
        if (existing is null && mode == ApplyMode.Replace)
        {
            return Outcome.Failed($"Error from server (NotFound): error when replacing \"{src}\": {kind.QualifiedPlural} \"{key.Name}\" not found at line {obj.Document.LineOf("metadata.name")}");
        }
        if (kind.Namespaced && tx.Get(new ObjectKey(ResourceKinds.Namespace.Kind, "", key.Namespace)) is null)
        {
            return Outcome.Failed($"Error from server (NotFound): error when {Doing(mode)} \"{src}\": namespaces \"{key.Namespace}\" not found at line {obj.Document.LineOf("metadata.namespace")}");
        }

        var built = ObjectFactory.Build(kind, obj.Desired, existing, recordApplied: mode == ApplyMode.Apply, keepApplied: mode != ApplyMode.Replace, tx.Now, random);
        var problems = existing is null ? [] : UpdateProblems(kind, existing, built);
        if (problems.Count == 0 && kind == ResourceKinds.Service)
        {
            problems = AssignClusterIp(tx, key, built, existing);
        }
        if (problems.Count > 0)
        {
            return Outcome.Failed(Invalid(kind, key.Name, problems, obj.Document));
        }
        if (existing is not null)
        {
            // An API update may change only the last-applied annotation (kubectl apply of a reformatted manifest): keep it.
            if (ObjectFactory.SameUserContent(existing, built)
                && (mode != ApplyMode.Replace || JsonNode.DeepEquals(existing["metadata"]?["annotations"], built["metadata"]?["annotations"])))
            {
                return Outcome.Done($"{kind.QualifiedSingular}/{key.Name} unchanged");
            }
            if (ObjectFactory.HasGeneration(kind)
                && (!JsonNode.DeepEquals(existing["spec"], built["spec"]) || !JsonNode.DeepEquals(existing["specs"], built["specs"])))
            {
                built["metadata"]!["generation"] = (existing["metadata"]?["generation"].AsLong() ?? 1) + 1;
            }
        }
        if (kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy)
        {
            // The Cilium agent reports a policy it accepted as Valid; kubectl get cnp shows it in the VALID column.
            built["status"] = existing?["status"]?.DeepClone() ?? ValidPolicyStatus(tx.Now);
        }
        tx.Put(key, built);
        return Outcome.Done($"{kind.QualifiedSingular}/{key.Name} {(existing is null ? "created" : "configured")}");
    }

    private static JsonObject ValidPolicyStatus(string now) => new()
    {
        ["conditions"] = new JsonArray(new JsonObject
        {
            ["lastTransitionTime"] = now,
            ["message"] = "Policy validation succeeded",
            ["status"] = "True",
            ["type"] = "Valid",
        }),
    };

    /// <summary><c>kubectl delete pod x</c>: by name, not from a file.</summary>
    public Outcome DeleteByName(StoreTransaction tx, ResourceKind kind, string ns, string name)
    {
        var key = new ObjectKey(kind.Kind, kind.Namespaced ? ns : "", name);
        return tx.Get(key) is not { } existing
            ? Outcome.Failed($"Error from server (NotFound): {kind.QualifiedPlural} \"{name}\" not found")
            : Controllers.CiliumAgentPods.Refusal(tx, kind, key, existing, null) is { } refused
                ? Outcome.Failed($"Error from server (Forbidden): {refused}")
                : Remove(tx, kind, key, "");
    }

    private static Outcome Remove(StoreTransaction tx, ResourceKind kind, ObjectKey key, string context)
    {
        if (kind == ResourceKinds.Node)
        {
            return Outcome.Failed($"Error from server (Forbidden): {context}nodes \"{key.Name}\" is forbidden: a lab cluster's nodes come with it and cannot be deleted");
        }
        if (kind == ResourceKinds.Namespace && s_protectedNamespaces.Contains(key.Name))
        {
            return Outcome.Failed($"Error from server (Forbidden): {context}namespaces \"{key.Name}\" is forbidden: this namespace may not be deleted");
        }
        tx.Remove(key);
        if (kind == ResourceKinds.Namespace)
        {
            // Everything in a namespace goes with it (the namespace controller's job in a real cluster).
            foreach (var inside in tx.Keys.Where(k => k.Namespace == key.Name).ToList())
            {
                tx.Remove(inside);
            }
        }
        return Outcome.Done($"{kind.QualifiedSingular} \"{key.Name}\" deleted");
    }

    /// <summary>Fields the API server refuses to change on update.</summary>
    private static List<FieldError> UpdateProblems(ResourceKind kind, JsonObject existing, JsonObject updated)
    {
        if (kind == ResourceKinds.Pod && !JsonNode.DeepEquals(WithoutImages(existing["spec"]), WithoutImages(updated["spec"])))
        {
            return [new FieldError("spec", "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")];
        }
        if (kind == ResourceKinds.Deployment && !JsonNode.DeepEquals(existing["spec"]?["selector"], updated["spec"]?["selector"]))
        {
            return [new FieldError("spec.selector", $"Invalid value: {updated["spec"]?["selector"]?.ToJsonString()}: field is immutable")];
        }
        return [];
    }

    private static JsonNode? WithoutImages(JsonNode? spec)
    {
        var copy = spec?.DeepClone();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in (copy?[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                container.Remove("image");
                container.Remove("imagePullPolicy");
            }
        }
        return copy;
    }

    /// <summary>Keeps an existing ClusterIP, takes a requested one if free and in range, else allocates the lowest free.</summary>
    private List<FieldError> AssignClusterIp(StoreTransaction tx, ObjectKey key, JsonObject service, JsonObject? existing)
    {
        var spec = (JsonObject)service["spec"]!;
        var requested = (string?)spec["clusterIP"];
        var current = (string?)existing?["spec"]?["clusterIP"];
        if (current is not null)
        {
            if (requested is { Length: > 0 } && requested != current)
            {
                return [new FieldError("spec.clusterIP", $"Invalid value: \"{requested}\": field is immutable")];
            }
            SetClusterIp(spec, current);
            return [];
        }
        if (requested == "None")
        {
            SetClusterIp(spec, "None");
            return [];
        }
        var used = tx.OfKind(ResourceKinds.Service)
            .Where(kv => kv.Key != key)
            .Select(kv => (string?)kv.Value["spec"]?["clusterIP"])
            .OfType<string>()
            .ToHashSet();
        if (requested is { Length: > 0 })
        {
            var invalid = $"Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: ";
            if (!ips.Contains(IPAddress.Parse(requested)))
            {
                return [new FieldError("spec.clusterIPs", invalid + $"provided IP is not in the valid range. The range of valid IPs is {ips.Cidr}")];
            }
            if (used.Contains(requested) || ips.IsReserved(requested))
            {
                return [new FieldError("spec.clusterIPs", invalid + "provided IP is already allocated")];
            }
            SetClusterIp(spec, requested);
            return [];
        }
        var allocated = ips.Allocate(used);
        if (allocated is null)
        {
            return [new FieldError("spec.clusterIPs", $"Internal error: failed to allocate a serviceIP: range is full ({ips.Cidr})")];
        }
        SetClusterIp(spec, allocated);
        return [];
    }

    private static void SetClusterIp(JsonObject spec, string ip)
    {
        spec["clusterIP"] = ip;
        spec["clusterIPs"] = new JsonArray(ip);
    }

    private static string Invalid(ResourceKind kind, string name, IReadOnlyList<FieldError> errors, ManifestDocument document) =>
        $"The {kind.Kind} \"{name}\" is invalid: {Join(errors.Select(e => e.ToString()))} at line {document.LineOf(errors[0].Path)}";

    private static string Join(IEnumerable<string> messages)
    {
        var list = messages.ToList();
        return list.Count == 1 ? list[0] : $"[{string.Join(", ", list)}]";
    }

    private static string Doing(ApplyMode mode) => mode switch { ApplyMode.Delete => "deleting", ApplyMode.Replace => "replacing", _ => "creating" };
}
