using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>Value checks for pods, deployments, services and configmaps (shapes are already checked).</summary>
internal static class WorkloadValidation
{
    private static readonly string[] s_protocols = ["SCTP", "TCP", "UDP"];

    public static void CheckPodSpec(JsonObject? spec, string path, List<FieldError> errors)
    {
        if (spec?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            errors.Add(new FieldError($"{path}.containers", "Required value"));
            return;
        }
        var names = new HashSet<string>();
        for (var i = 0; i < containers.Count; i++)
        {
            var p = $"{path}.containers[{i}]";
            var container = containers[i] as JsonObject ?? [];
            var name = (string?)container["name"];
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new FieldError($"{p}.name", "Required value"));
            }
            else
            {
                errors.AddRange(NameValidation.CheckDns1123Label(name).Select(m => new FieldError($"{p}.name", $"Invalid value: \"{name}\": {m}")));
                if (!names.Add(name))
                {
                    errors.Add(new FieldError($"{p}.name", $"Duplicate value: \"{name}\""));
                }
            }
            if (string.IsNullOrWhiteSpace((string?)container["image"]))
            {
                errors.Add(new FieldError($"{p}.image", "Required value"));
            }
            if (container["imagePullPolicy"] is JsonValue pull && (string?)pull is not ("Always" or "IfNotPresent" or "Never"))
            {
                errors.Add(new FieldError($"{p}.imagePullPolicy", $"Unsupported value: \"{pull}\": supported values: \"Always\", \"IfNotPresent\", \"Never\""));
            }
            CheckContainerPorts(container["ports"] as JsonArray, $"{p}.ports", errors);
        }
        if (spec["restartPolicy"] is JsonValue restart && (string?)restart is not ("Always" or "OnFailure" or "Never"))
        {
            errors.Add(new FieldError($"{path}.restartPolicy", $"Unsupported value: \"{restart}\": supported values: \"Always\", \"OnFailure\", \"Never\""));
        }
    }

    private static void CheckContainerPorts(JsonArray? ports, string path, List<FieldError> errors)
    {
        var names = new HashSet<string>();
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var p = $"{path}[{i}]";
            var port = ports![i] as JsonObject ?? [];
            CheckPortNumber(port["containerPort"], $"{p}.containerPort", required: true, errors);
            CheckProtocol(port["protocol"], $"{p}.protocol", errors);
            if ((string?)port["name"] is { } name)
            {
                errors.AddRange(NameValidation.CheckPortName(name).Select(m => new FieldError($"{p}.name", $"Invalid value: \"{name}\": {m}")));
                if (!names.Add(name))
                {
                    errors.Add(new FieldError($"{p}.name", $"Duplicate value: \"{name}\""));
                }
            }
        }
    }

    public static void CheckDeployment(JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject;
        if (spec?["replicas"] is JsonValue replicas && replicas.AsLong() < 0)
        {
            errors.Add(new FieldError("spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0"));
        }
        if (spec?["selector"] is not JsonObject selector)
        {
            errors.Add(new FieldError("spec.selector", "Required value"));
            return;
        }
        var requirementCount = ((selector["matchLabels"] as JsonObject)?.Count ?? 0) + ((selector["matchExpressions"] as JsonArray)?.Count ?? 0);
        if (requirementCount == 0)
        {
            errors.Add(new FieldError("spec.selector", "Invalid value: \"{}\": empty selector is invalid for deployment"));
            return;
        }
        var before = errors.Count;
        ObjectValidator.CheckSelector(selector, "spec.selector", errors);
        var templateLabels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        ObjectValidator.CheckLabels(templateLabels, "spec.template.metadata.labels", errors);
        if (errors.Count == before)
        {
            var labels = templateLabels?.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "") ?? [];
            if (!LabelSelector.FromJson(selector).Matches(labels))
            {
                var shown = string.Join(", ", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"\"{kv.Key}\":\"{kv.Value}\""));
                errors.Add(new FieldError("spec.template.metadata.labels", $"Invalid value: map[string]string{{{shown}}}: `selector` does not match template `labels`"));
            }
        }
        CheckPodSpec(spec["template"]?["spec"] as JsonObject, "spec.template.spec", errors);
    }

    public static void CheckService(JsonObject? spec, List<FieldError> errors)
    {
        var type = (string?)spec?["type"] ?? "ClusterIP";
        if (type is not ("ClusterIP" or "LoadBalancer"))
        {
            // The lab datapath balances ClusterIPs (socket-LB) and LB-IPAM addresses; say so instead of half-working.
            errors.Add(new FieldError("spec.type", $"Unsupported value: \"{type}\": supported values: \"ClusterIP\", \"LoadBalancer\" (lab clusters have no node ports)"));
        }
        var clusterIp = (string?)spec?["clusterIP"];
        if (clusterIp is { Length: > 0 } && clusterIp != "None" && !IPAddress.TryParse(clusterIp, out _))
        {
            errors.Add(new FieldError("spec.clusterIP", $"Invalid value: \"{clusterIp}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
        var ports = spec?["ports"] as JsonArray;
        if (ports is null or { Count: 0 })
        {
            if (clusterIp != "None")
            {
                errors.Add(new FieldError("spec.ports", "Required value"));
            }
            return;
        }
        var names = new HashSet<string>();
        for (var i = 0; i < ports.Count; i++)
        {
            var p = $"spec.ports[{i}]";
            var port = ports[i] as JsonObject ?? [];
            var name = (string?)port["name"];
            if (string.IsNullOrEmpty(name))
            {
                if (ports.Count > 1)
                {
                    errors.Add(new FieldError($"{p}.name", "Required value"));
                }
            }
            else
            {
                errors.AddRange(NameValidation.CheckDns1123Label(name).Select(m => new FieldError($"{p}.name", $"Invalid value: \"{name}\": {m}")));
                if (!names.Add(name))
                {
                    errors.Add(new FieldError($"{p}.name", $"Duplicate value: \"{name}\""));
                }
            }
            CheckPortNumber(port["port"], $"{p}.port", required: true, errors);
            CheckProtocol(port["protocol"], $"{p}.protocol", errors);
            switch (port["targetPort"])
            {
                case JsonValue target when target.GetValueKind() == JsonValueKind.String:
                    var targetName = (string)target!;
                    errors.AddRange(NameValidation.CheckPortName(targetName).Select(m => new FieldError($"{p}.targetPort", $"Invalid value: \"{targetName}\": {m}")));
                    break;
                case JsonValue target:
                    CheckPortNumber(target, $"{p}.targetPort", required: false, errors);
                    break;
            }
        }
    }

    public static void CheckConfigMap(JsonObject obj, List<FieldError> errors) => CheckDataKeys(obj, "data", errors);

    /// <summary>A Secret's keys as a ConfigMap's; <c>data</c> values must be base64 (<c>stringData</c> is plain text the defaults encode).</summary>
    public static void CheckSecret(JsonObject obj, List<FieldError> errors)
    {
        CheckDataKeys(obj, "data", errors);
        CheckDataKeys(obj, "stringData", errors);
        foreach (var (key, value) in obj["data"] as JsonObject ?? [])
        {
            var text = value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : "";
            if (!IsBase64(text))
            {
                errors.Add(new FieldError($"data[{key}]", "Invalid value: illegal base64 data"));
            }
        }
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static void CheckDataKeys(JsonObject obj, string field, List<FieldError> errors)
    {
        foreach (var (key, _) in obj[field] as JsonObject ?? [])
        {
            if (key.Length == 0 || key.Length > 253 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                errors.Add(new FieldError($"{field}[{key}]", $"Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
            }
        }
    }

    private static void CheckPortNumber(JsonNode? node, string path, bool required, List<FieldError> errors)
    {
        if (node is null)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "Required value"));
            }
            return;
        }
        var value = node.AsLong() ?? 0;
        if (value is < 1 or > 65535)
        {
            errors.Add(new FieldError(path, $"Invalid value: {value}: must be between 1 and 65535, inclusive"));
        }
    }

    private static void CheckProtocol(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is not null && !s_protocols.Contains((string?)node))
        {
            errors.Add(new FieldError(path, $"Unsupported value: \"{node}\": supported values: \"SCTP\", \"TCP\", \"UDP\""));
        }
    }
}
