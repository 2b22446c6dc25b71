using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Ingress;

/// <summary>
/// Value checks of Ingress and Gateway API objects beyond their shape, in the API server's wording (Ingress: the
/// networking validation of kube-apiserver; the Gateway API: its CRDs' OpenAPI limits and enums) with field paths.
/// Match kinds the lab's router does not implement are refused here rather than silently ignored.
/// </summary>
internal static class IngressValidation
{
    /// <summary>The most paths one Ingress may route (a lab's cap; Kubernetes has none, so one object cannot make a huge table).</summary>
    public const int MaxIngressPaths = 100;

    // The Gateway API CRDs' maxItems (gateway.networking.k8s.io v1, standard channel).
    private const int MaxRules = 16, MaxMatches = 64, MaxBackendRefs = 16, MaxHeaders = 16, MaxHostnames = 16, MaxParentRefs = 32, MaxListeners = 64;
    private const long MaxWeight = 1_000_000;

    private static readonly string[] s_ingressPathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
    private static readonly string[] s_routePathTypes = ["Exact", "PathPrefix", "RegularExpression"];
    private static readonly string[] s_headerTypes = ["Exact", "RegularExpression"];
    private static readonly string[] s_methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    private static readonly string[] s_protocols = ["HTTP", "HTTPS", "TLS", "TCP", "UDP"];

    public static bool Handles(ResourceKind kind) =>
        kind == ResourceKinds.Ingress || kind == ResourceKinds.Gateway || kind == ResourceKinds.HTTPRoute || kind == ResourceKinds.GatewayClass;

    public static void Check(ResourceKind kind, JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject;
        if (kind == ResourceKinds.Ingress)
        {
            CheckIngress(spec, errors);
        }
        else if (kind == ResourceKinds.HTTPRoute)
        {
            CheckHttpRoute(spec, errors);
        }
        else if (kind == ResourceKinds.Gateway)
        {
            CheckGateway(spec, errors);
        }
        else if (string.IsNullOrEmpty((string?)spec?["controllerName"]))
        {
            errors.Add(new FieldError("spec.controllerName", "Required value"));
        }
    }

    private static void CheckIngress(JsonObject? spec, List<FieldError> errors)
    {
        var rules = spec?["rules"] as JsonArray ?? [];
        if (spec?["defaultBackend"] is null && rules.Count == 0)
        {
            errors.Add(new FieldError("spec.rules", "Required value: either `defaultBackend` or `rules` must be specified"));
        }
        if (spec?["defaultBackend"] is JsonObject defaultBackend)
        {
            CheckIngressBackend(defaultBackend, "spec.defaultBackend", errors);
        }
        var total = 0;
        for (var i = 0; i < rules.Count; i++)
        {
            var path = $"spec.rules[{i}]";
            var rule = rules[i] as JsonObject ?? [];
            if ((string?)rule["host"] is { Length: > 0 } host)
            {
                CheckHostname(host, $"{path}.host", errors);
            }
            if (rule["http"] is not JsonObject http)
            {
                continue;
            }
            if (http["paths"] is not JsonArray { Count: > 0 } paths)
            {
                errors.Add(new FieldError($"{path}.http.paths", "Required value"));
                continue;
            }
            for (var j = 0; j < paths.Count; j++)
            {
                var p = $"{path}.http.paths[{j}]";
                var entry = paths[j] as JsonObject ?? [];
                var type = (string?)entry["pathType"];
                var value = (string?)entry["path"] ?? "";
                if (type is null)
                {
                    errors.Add(new FieldError($"{p}.pathType", "Required value: pathType must be specified"));
                }
                else if (!s_ingressPathTypes.Contains(type))
                {
                    errors.Add(new FieldError($"{p}.pathType", $"Unsupported value: \"{type}\": supported values: {Quoted(s_ingressPathTypes)}"));
                }
                if (!value.StartsWith('/'))
                {
                    errors.Add(new FieldError($"{p}.path", $"Invalid value: \"{value}\": must be an absolute path"));
                }
                if (entry["backend"] is JsonObject backend)
                {
                    CheckIngressBackend(backend, $"{p}.backend", errors);
                }
                else
                {
                    errors.Add(new FieldError($"{p}.backend", "Required value"));
                }
            }
            total += paths.Count;
        }
        if (total > MaxIngressPaths)
        {
            errors.Add(new FieldError("spec.rules", $"Too many: {total}: must have at most {MaxIngressPaths} paths in all rules (this lab's cap per Ingress)"));
        }
    }

    private static void CheckIngressBackend(JsonObject backend, string path, List<FieldError> errors)
    {
        if (backend["resource"] is not null)
        {
            errors.Add(new FieldError($"{path}.resource", "Forbidden: resource backends are not supported by Cilium's ingress controller; use service"));
            return;
        }
        if (backend["service"] is not JsonObject service)
        {
            errors.Add(new FieldError($"{path}.service", "Required value"));
            return;
        }
        if (string.IsNullOrEmpty((string?)service["name"]))
        {
            errors.Add(new FieldError($"{path}.service.name", "Required value"));
        }
        var port = service["port"] as JsonObject;
        var name = (string?)port?["name"];
        var number = Long(port?["number"]);
        if (name is { Length: > 0 } && number is not null)
        {
            errors.Add(new FieldError($"{path}.service.port", "Invalid value: cannot set both port name & port number"));
        }
        else if (string.IsNullOrEmpty(name) && number is null)
        {
            errors.Add(new FieldError($"{path}.service.port", "Invalid value: port name or number is required"));
        }
        else if (number is not null and not (>= 1 and <= 65535))
        {
            errors.Add(new FieldError($"{path}.service.port.number", $"Invalid value: {number}: must be between 1 and 65535, inclusive"));
        }
    }

    private static void CheckHttpRoute(JsonObject? spec, List<FieldError> errors)
    {
        var parents = spec?["parentRefs"] as JsonArray ?? [];
        MaxItems(parents, "spec.parentRefs", MaxParentRefs, errors);
        for (var i = 0; i < parents.Count; i++)
        {
            if (string.IsNullOrEmpty((string?)parents[i]?["name"]))
            {
                errors.Add(new FieldError($"spec.parentRefs[{i}].name", "Required value"));
            }
            CheckPort(parents[i]?["port"], $"spec.parentRefs[{i}].port", errors);
        }
        var hostnames = spec?["hostnames"] as JsonArray ?? [];
        MaxItems(hostnames, "spec.hostnames", MaxHostnames, errors);
        for (var i = 0; i < hostnames.Count; i++)
        {
            CheckHostname((string?)hostnames[i] ?? "", $"spec.hostnames[{i}]", errors);
        }
        var rules = spec?["rules"] as JsonArray ?? [];
        MaxItems(rules, "spec.rules", MaxRules, errors);
        for (var i = 0; i < rules.Count; i++)
        {
            var path = $"spec.rules[{i}]";
            var rule = rules[i] as JsonObject ?? [];
            if (rule["filters"] is JsonArray { Count: > 0 })
            {
                errors.Add(new FieldError($"{path}.filters", "Forbidden: HTTPRoute filters are not implemented by this lab's gateway"));
            }
            var matches = rule["matches"] as JsonArray ?? [];
            MaxItems(matches, $"{path}.matches", MaxMatches, errors);
            for (var j = 0; j < matches.Count; j++)
            {
                CheckMatch(matches[j] as JsonObject ?? [], $"{path}.matches[{j}]", errors);
            }
            var backends = rule["backendRefs"] as JsonArray ?? [];
            MaxItems(backends, $"{path}.backendRefs", MaxBackendRefs, errors);
            for (var j = 0; j < backends.Count; j++)
            {
                var b = $"{path}.backendRefs[{j}]";
                var backend = backends[j] as JsonObject ?? [];
                if (string.IsNullOrEmpty((string?)backend["name"]))
                {
                    errors.Add(new FieldError($"{b}.name", "Required value"));
                }
                if (backend["weight"] is { } weight && Long(weight) is not (>= 0 and <= MaxWeight))
                {
                    var w = weight.ToJsonString();
                    errors.Add(new FieldError($"{b}.weight", Long(weight) < 0
                        ? $"Invalid value: {w}: {b}.weight in body should be greater than or equal to 0"
                        : $"Invalid value: {w}: {b}.weight in body should be less than or equal to {MaxWeight}"));
                }
                CheckPort(backend["port"], $"{b}.port", errors);
                if (backend["filters"] is JsonArray { Count: > 0 })
                {
                    errors.Add(new FieldError($"{b}.filters", "Forbidden: HTTPRoute filters are not implemented by this lab's gateway"));
                }
                var isService = ((string?)backend["kind"] ?? "Service") == "Service" && ((string?)backend["group"] ?? "") == "";
                if (isService && backend["port"] is null)
                {
                    errors.Add(new FieldError($"{b}", "Invalid value: \"object\": Must have port for Service reference"));
                }
            }
        }
    }

    private static void CheckMatch(JsonObject match, string path, List<FieldError> errors)
    {
        if (match["path"] is JsonObject p)
        {
            var type = (string?)p["type"] ?? "PathPrefix";
            var value = (string?)p["value"] ?? "/";
            if (!s_routePathTypes.Contains(type))
            {
                errors.Add(new FieldError($"{path}.path.type", $"Unsupported value: \"{type}\": supported values: {Quoted(s_routePathTypes)}"));
            }
            else if (type == "RegularExpression")
            {
                errors.Add(new FieldError($"{path}.path.type", "Forbidden: RegularExpression path matches are not implemented by this lab's gateway; use Exact or PathPrefix"));
            }
            else if (!value.StartsWith('/'))
            {
                errors.Add(new FieldError($"{path}.path", "Invalid value: \"object\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"));
            }
            else if (value.Contains("//", StringComparison.Ordinal) || value.Contains("/./", StringComparison.Ordinal) || value.Contains("/../", StringComparison.Ordinal))
            {
                errors.Add(new FieldError($"{path}.path", "Invalid value: \"object\": must not contain '//', '/./' or '/../'"));
            }
            else if (value.Length > 1024)
            {
                errors.Add(new FieldError($"{path}.path.value", $"Too long: may not be longer than 1024"));
            }
        }
        var headers = match["headers"] as JsonArray ?? [];
        MaxItems(headers, $"{path}.headers", MaxHeaders, errors);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Count; i++)
        {
            var h = $"{path}.headers[{i}]";
            var header = headers[i] as JsonObject ?? [];
            var type = (string?)header["type"] ?? "Exact";
            var name = (string?)header["name"];
            if (!s_headerTypes.Contains(type))
            {
                errors.Add(new FieldError($"{h}.type", $"Unsupported value: \"{type}\": supported values: {Quoted(s_headerTypes)}"));
            }
            else if (type == "RegularExpression")
            {
                errors.Add(new FieldError($"{h}.type", "Forbidden: RegularExpression header matches are not implemented by this lab's gateway; use Exact"));
            }
            if (string.IsNullOrEmpty(name) || !name.All(c => c > 32 && c < 127 && c != ':'))
            {
                errors.Add(new FieldError($"{h}.name", $"Invalid value: \"{name}\": must be an HTTP header name"));
            }
            else if (!names.Add(name))
            {
                errors.Add(new FieldError($"{path}.headers", $"Invalid value: \"array\": header name must be unique within a match (\"{name}\")"));
            }
            if (header["value"] is null)
            {
                errors.Add(new FieldError($"{h}.value", "Required value"));
            }
        }
        if (match["queryParams"] is JsonArray { Count: > 0 })
        {
            errors.Add(new FieldError($"{path}.queryParams", "Forbidden: query parameter matches are not implemented by this lab's gateway"));
        }
        if ((string?)match["method"] is { } method && !s_methods.Contains(method))
        {
            errors.Add(new FieldError($"{path}.method", $"Unsupported value: \"{method}\": supported values: {Quoted(s_methods)}"));
        }
    }

    private static void CheckGateway(JsonObject? spec, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty((string?)spec?["gatewayClassName"]))
        {
            errors.Add(new FieldError("spec.gatewayClassName", "Required value"));
        }
        if (spec?["listeners"] is not JsonArray { Count: > 0 } listeners)
        {
            errors.Add(new FieldError("spec.listeners", "Required value"));
            return;
        }
        MaxItems(listeners, "spec.listeners", MaxListeners, errors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < listeners.Count; i++)
        {
            var path = $"spec.listeners[{i}]";
            var listener = listeners[i] as JsonObject ?? [];
            var name = (string?)listener["name"];
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new FieldError($"{path}.name", "Required value"));
            }
            else if (!names.Add(name))
            {
                errors.Add(new FieldError("spec.listeners", "Invalid value: \"array\": Listener name must be unique within the Gateway"));
            }
            if (listener["port"] is null)
            {
                errors.Add(new FieldError($"{path}.port", "Required value"));
            }
            CheckPort(listener["port"], $"{path}.port", errors);
            var protocol = (string?)listener["protocol"];
            if (protocol is null)
            {
                errors.Add(new FieldError($"{path}.protocol", "Required value"));
            }
            else if (!s_protocols.Contains(protocol))
            {
                errors.Add(new FieldError($"{path}.protocol", $"Unsupported value: \"{protocol}\": supported values: {Quoted(s_protocols)}"));
            }
            if ((string?)listener["hostname"] is { Length: > 0 } host)
            {
                CheckHostname(host, $"{path}.hostname", errors);
            }
        }
    }

    private static void CheckHostname(string host, string path, List<FieldError> errors)
    {
        var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (System.Net.IPAddress.TryParse(host, out _))
        {
            errors.Add(new FieldError(path, $"Invalid value: \"{host}\": must be a DNS name, not an IP address"));
            return;
        }
        errors.AddRange(NameValidation.CheckDns1123Subdomain(bare).Select(p => new FieldError(path, $"Invalid value: \"{host}\": {p}")));
    }

    private static void CheckPort(JsonNode? port, string path, List<FieldError> errors)
    {
        if (port is not null && Long(port) is not (>= 1 and <= 65535))
        {
            errors.Add(new FieldError(path, $"Invalid value: {port.ToJsonString()}: {path} in body should be between 1 and 65535"));
        }
    }

    private static void MaxItems(JsonArray items, string path, int max, List<FieldError> errors)
    {
        if (items.Count > max)
        {
            errors.Add(new FieldError(path, $"Too many: {items.Count}: must have at most {max} items"));
        }
    }

    private static long? Long(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n : null;

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
