using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>
/// Validates an object as the API server would before storing it: first its shape (<see cref="Schemas"/>),
/// then its values (names, labels, ports, selectors, required fields), then, for policies, the plugged-in
/// <see cref="IPolicyValidator"/>. Messages use the API server's wording.
/// </summary>
public sealed class ObjectValidator(IPolicyValidator? policyValidator)
{
    public ValidationResult Validate(ResourceKind kind, JsonObject obj)
    {
        var decode = new List<FieldError>();
        Schemas.For(kind).Check(obj, "", decode);
        if (decode.Count > 0)
        {
            return new ValidationResult(decode, []);
        }

        var errors = new List<FieldError>();
        CheckMetadata(kind, obj, errors);
        if (kind == ResourceKinds.Pod)
        {
            WorkloadValidation.CheckPodSpec(obj["spec"] as JsonObject, "spec", errors);
        }
        else if (kind == ResourceKinds.Deployment)
        {
            WorkloadValidation.CheckDeployment(obj, errors);
        }
        else if (kind == ResourceKinds.Service)
        {
            WorkloadValidation.CheckService(obj["spec"] as JsonObject, errors);
            Mesh.GlobalService.Check(obj, errors);
        }
        else if (kind == ResourceKinds.ConfigMap)
        {
            WorkloadValidation.CheckConfigMap(obj, errors);
        }
        else if (kind == ResourceKinds.Secret)
        {
            WorkloadValidation.CheckSecret(obj, errors);
        }
        else if (kind == ResourceKinds.NetworkPolicy)
        {
            CheckNetworkPolicy(obj, errors);
        }
        else if (kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy)
        {
            CheckCiliumPolicy(kind, obj, errors);
        }
        else if (Bgp.BgpValidation.Handles(kind))
        {
            Bgp.BgpValidation.Check(kind, obj, errors);
        }
        else if (Ingress.IngressValidation.Handles(kind))
        {
            Ingress.IngressValidation.Check(kind, obj, errors);
        }

        IReadOnlyList<FieldError> warnings = [];
        if (errors.Count == 0 && policyValidator is not null && IsPolicy(kind))
        {
            var check = policyValidator.Validate(new KubeObject(obj));
            errors.AddRange(check.Errors);
            warnings = check.Warnings;
        }
        return new ValidationResult([], errors) { Warnings = warnings };
    }

    /// <summary>Kinds the policy validator reads: network policies, and Tetragon's TracingPolicies.</summary>
    public static bool IsPolicy(ResourceKind kind) =>
        kind == ResourceKinds.NetworkPolicy || kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy
        || kind == ResourceKinds.TracingPolicy || kind == ResourceKinds.TracingPolicyNamespaced;

    private static void CheckMetadata(ResourceKind kind, JsonObject obj, List<FieldError> errors)
    {
        var name = (string?)obj["metadata"]?["name"];
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new FieldError("metadata.name", "Required value: name or generateName is required"));
        }
        else
        {
            var problems = kind == ResourceKinds.Service ? NameValidation.CheckDns1035Label(name)
                : kind == ResourceKinds.Namespace ? NameValidation.CheckDns1123Label(name)
                : NameValidation.CheckDns1123Subdomain(name);
            errors.AddRange(problems.Select(p => new FieldError("metadata.name", $"Invalid value: \"{name}\": {p}")));
        }
        if (obj["metadata"]?["namespace"] is JsonValue nsValue && (string?)nsValue is { Length: > 0 } ns && kind.Namespaced)
        {
            errors.AddRange(NameValidation.CheckDns1123Label(ns).Select(p => new FieldError("metadata.namespace", $"Invalid value: \"{ns}\": {p}")));
        }
        CheckLabels(obj["metadata"]?["labels"] as JsonObject, "metadata.labels", errors);
    }

    public static void CheckLabels(JsonObject? labels, string path, List<FieldError> errors, bool ciliumKeys = false)
    {
        foreach (var (key, value) in labels ?? [])
        {
            errors.AddRange(NameValidation.CheckLabelKey(ciliumKeys ? WithoutSource(key) : key).Select(p => new FieldError(path, $"Invalid value: \"{key}\": {p}")));
            var text = (string?)value ?? "";
            errors.AddRange(NameValidation.CheckLabelValue(text).Select(p => new FieldError($"{path}.{key}", $"Invalid value: \"{text}\": {p}")));
        }
    }

    /// <summary>A <c>{matchLabels, matchExpressions}</c> selector, whose shape is already checked.</summary>
    public static void CheckSelector(JsonObject selector, string path, List<FieldError> errors, bool ciliumKeys = false)
    {
        CheckLabels(selector["matchLabels"] as JsonObject, $"{path}.matchLabels", errors, ciliumKeys);
        if (selector["matchExpressions"] is not JsonArray expressions)
        {
            return;
        }
        for (var i = 0; i < expressions.Count; i++)
        {
            var p = $"{path}.matchExpressions[{i}]";
            var expression = expressions[i] as JsonObject ?? [];
            var key = (string?)expression["key"];
            if (string.IsNullOrEmpty(key))
            {
                errors.Add(new FieldError($"{p}.key", "Required value"));
            }
            else
            {
                errors.AddRange(NameValidation.CheckLabelKey(ciliumKeys ? WithoutSource(key) : key).Select(m => new FieldError($"{p}.key", $"Invalid value: \"{key}\": {m}")));
            }
            var op = (string?)expression["operator"];
            var values = expression["values"] as JsonArray;
            switch (op)
            {
                case "In" or "NotIn":
                    if (values is null || values.Count == 0)
                    {
                        errors.Add(new FieldError($"{p}.values", "Required value: must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                    break;
                case "Exists" or "DoesNotExist":
                    if (values is { Count: > 0 })
                    {
                        errors.Add(new FieldError($"{p}.values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                    break;
                case null:
                    errors.Add(new FieldError($"{p}.operator", "Required value"));
                    break;
                default:
                    errors.Add(new FieldError($"{p}.operator", $"Unsupported value: \"{op}\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""));
                    break;
            }
        }
    }

    private static void CheckNetworkPolicy(JsonObject obj, List<FieldError> errors)
    {
        if (obj["spec"] is not JsonObject spec || spec["podSelector"] is not JsonObject podSelector)
        {
            errors.Add(new FieldError("spec.podSelector", "Required value"));
            return;
        }
        CheckSelector(podSelector, "spec.podSelector", errors);
        if (spec["policyTypes"] is JsonArray types)
        {
            for (var i = 0; i < types.Count; i++)
            {
                if ((string?)types[i] is not ("Ingress" or "Egress"))
                {
                    errors.Add(new FieldError($"spec.policyTypes[{i}]", $"Unsupported value: \"{types[i]}\": supported values: \"Ingress\", \"Egress\""));
                }
            }
        }
        foreach (var direction in new[] { "ingress", "egress" })
        {
            if (spec[direction] is { } rules && rules is not JsonArray)
            {
                errors.Add(new FieldError($"spec.{direction}", "Invalid value: must be a list of rules"));
            }
        }
    }

    private static void CheckCiliumPolicy(ResourceKind kind, JsonObject obj, List<FieldError> errors)
    {
        var specs = new List<(JsonNode? Spec, string Path)>();
        if (obj["spec"] is { } spec)
        {
            specs.Add((spec, "spec"));
        }
        if (obj["specs"] is JsonArray list)
        {
            specs.AddRange(list.Select((s, i) => (s, $"specs[{i}]")));
        }
        if (specs.Count == 0)
        {
            errors.Add(new FieldError("spec", $"Required value: a {kind.Kind} needs spec or specs"));
            return;
        }
        foreach (var (node, path) in specs)
        {
            if (node is not JsonObject rule)
            {
                errors.Add(new FieldError(path, "Invalid value: must be an object (a rule)"));
                continue;
            }
            var endpoint = rule["endpointSelector"];
            var nodeSelector = rule["nodeSelector"];
            if (endpoint is null == nodeSelector is null)
            {
                errors.Add(new FieldError($"{path}.endpointSelector", endpoint is null
                    ? "Required value: rule must have one of endpointSelector or nodeSelector"
                    : "Forbidden: rule cannot have both endpointSelector and nodeSelector"));
            }
            foreach (var (selectorName, selector) in new[] { ("endpointSelector", endpoint), ("nodeSelector", nodeSelector) })
            {
                if (selector is null)
                {
                    continue;
                }
                if (selector is not JsonObject selectorObject)
                {
                    errors.Add(new FieldError($"{path}.{selectorName}", "Invalid value: must be a label selector (matchLabels, matchExpressions)"));
                    continue;
                }
                var decode = new List<FieldError>();
                s_selectorShape.Check(selectorObject, $"{path}.{selectorName}", decode);
                errors.AddRange(decode);
                if (decode.Count == 0)
                {
                    CheckSelector(selectorObject, $"{path}.{selectorName}", errors, ciliumKeys: true);
                }
            }
            foreach (var section in new[] { "ingress", "egress", "ingressDeny", "egressDeny" })
            {
                if (rule[section] is not { } rules)
                {
                    continue;
                }
                if (rules is not JsonArray array || array.Any(r => r is not JsonObject))
                {
                    errors.Add(new FieldError($"{path}.{section}", "Invalid value: must be a list of rules (objects)"));
                }
            }
            if (rule["description"] is { } description && description.GetValueKind() != JsonValueKind.String)
            {
                errors.Add(new FieldError($"{path}.description", "Invalid value: must be a string"));
            }
        }
    }

    // Cilium selectors may name a label source: `k8s:io.kubernetes.pod.namespace`, `any:org`, `reserved:host`.
    private static string WithoutSource(string key)
    {
        var colon = key.IndexOf(':');
        return colon > 0 && key[..colon] is "any" or "k8s" or "reserved" or "cidr" or "unspec" or "container" or "cilium-generated"
            ? key[(colon + 1)..]
            : key;
    }

    private static readonly Shape s_selectorShape = Shape.Object(
        ("matchLabels", Shape.StringMap),
        ("matchExpressions", Shape.ListOf(Shape.Object(("key", Shape.String), ("operator", Shape.String), ("values", Shape.ListOf(Shape.String))))));
}
