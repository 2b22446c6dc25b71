using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Store.Selectors;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.RuntimeSecurity.Policy;

/// <summary>
/// Reads a TracingPolicy or TracingPolicyNamespaced, refusing what this backend cannot enforce with the field's path
/// and the API server's wording: kprobes, tracepoints and uprobes (this kernel has no kprobes; LSM hooks only), hooks
/// other than file_open and bprm_check_security, operators other than Equal/Prefix (paths) and In/Prefix (binaries),
/// and Override where the kernel refuses BPF LSM programs. Unknown fields are errors too, so nothing is silently ignored.
/// </summary>
public static class TracingPolicyParser
{
    private static readonly string[] s_hooks = ["file_open", "bprm_check_security"];

    public static (TracingPolicy? Policy, IReadOnlyList<FieldError> Errors) Parse(JsonObject obj, bool lsmEnforcement)
    {
        var errors = new List<FieldError>();
        var kind = (string?)obj["kind"];
        var name = (string?)obj["metadata"]?["name"] ?? "";
        var ns = kind == ResourceKinds.TracingPolicyNamespaced.Kind ? (string?)obj["metadata"]?["namespace"] ?? "default" : null;
        if (obj["spec"] is not JsonObject spec)
        {
            errors.Add(new FieldError("spec", "Required value"));
            return (null, errors);
        }

        LabelSelector? podSelector = null;
        var selectors = new List<TracingSelector>();
        foreach (var (key, value) in spec)
        {
            var path = "spec." + key;
            switch (key)
            {
                case "lsmhooks":
                    ParseHooks(value, path, lsmEnforcement, selectors, errors);
                    break;
                case "podSelector":
                    podSelector = ParsePodSelector(value, path, errors);
                    break;
                case "kprobes" or "tracepoints" or "uprobes" or "usdts":
                    errors.Add(new FieldError(path, $"Forbidden: {key} are not available on this lab's kernel (no kprobes); watch files and programs with lsmhooks (file_open, bprm_check_security)"));
                    break;
                case "options" when value is JsonArray { Count: 0 }:
                    break;
                default:
                    errors.Add(new FieldError(path, $"Forbidden: not supported here; a lab's TracingPolicy may hold lsmhooks and podSelector"));
                    break;
            }
        }

        if (spec["lsmhooks"] is null && errors.Count == 0)
        {
            errors.Add(new FieldError("spec.lsmhooks", "Required value: at least one LSM hook"));
        }

        var rules = selectors.Sum(RuleCount);
        if (errors.Count == 0 && rules > RuntimeCodes.MaxRules)
        {
            errors.Add(new FieldError("spec.lsmhooks", $"Invalid value: the selectors need {rules} kernel rules (one per binary and path); at most {RuntimeCodes.MaxRules} fit"));
        }

        return errors.Count > 0 ? (null, errors) : (new TracingPolicy(name, ns, podSelector, selectors), errors);
    }

    /// <summary>Kernel rules one selector needs: one per binary and path pair.</summary>
    public static int RuleCount(TracingSelector s) => Math.Max(1, s.Paths.Count) * Math.Max(1, s.Binaries.Count);

    private static void ParseHooks(JsonNode? node, string path, bool lsm, List<TracingSelector> into, List<FieldError> errors)
    {
        if (node is not JsonArray hooks || hooks.Count == 0)
        {
            errors.Add(new FieldError(path, "Required value: a list of LSM hooks"));
            return;
        }

        for (var i = 0; i < hooks.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (hooks[i] is not JsonObject hook)
            {
                errors.Add(new FieldError(at, "Invalid value: must be an object"));
                continue;
            }

            var hookName = (hook["hook"] as JsonValue)?.TryGetValue<string>(out var h) == true ? h : null;
            if (hookName is null)
            {
                errors.Add(new FieldError(at + ".hook", "Required value"));
                continue;
            }

            if (!s_hooks.Contains(hookName))
            {
                errors.Add(new FieldError(at + ".hook", $"Unsupported value: \"{hookName}\": supported values: \"file_open\", \"bprm_check_security\""));
                continue;
            }

            var code = hookName == "file_open" ? RuntimeCodes.HookFileOpen : RuntimeCodes.HookBprmCheck;
            if (code == RuntimeCodes.HookBprmCheck && !lsm)
            {
                errors.Add(new FieldError(at + ".hook", "Forbidden: bprm_check_security needs BPF LSM programs, which this kernel refuses to load; watch execs with tetra getevents (PROCESS_EXEC) or files with file_open"));
                continue;
            }

            foreach (var (key, value) in hook)
            {
                switch (key)
                {
                    case "hook":
                        break;
                    case "args":
                        CheckArgs(value, at + ".args", hookName, errors);
                        break;
                    case "selectors":
                        break;
                    default:
                        errors.Add(new FieldError($"{at}.{key}", "Forbidden: not supported here; an LSM hook may hold hook, args and selectors"));
                        break;
                }
            }

            if (hook["selectors"] is null)
            {
                into.Add(new TracingSelector(code, [], false, [], false, RuntimeCodes.ActionPost, 0));
                continue;
            }

            if (hook["selectors"] is not JsonArray selectors || selectors.Count == 0)
            {
                errors.Add(new FieldError(at + ".selectors", "Invalid value: a non-empty list of selectors"));
                continue;
            }

            for (var j = 0; j < selectors.Count; j++)
            {
                if (ParseSelector(selectors[j], $"{at}.selectors[{j}]", code, lsm, errors) is { } s)
                {
                    into.Add(s);
                }
            }
        }
    }

    private static void CheckArgs(JsonNode? node, string path, string hook, List<FieldError> errors)
    {
        var type = hook == "file_open" ? "file" : "linux_binprm";
        if (node is not JsonArray args)
        {
            errors.Add(new FieldError(path, "Invalid value: must be a list"));
            return;
        }

        for (var i = 0; i < args.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (args[i] is not JsonObject arg || Int(arg["index"]) != 0 || (string?)(arg["type"] as JsonValue) != type
                || arg.Any(kv => kv.Key is not ("index" or "type" or "label")))
            {
                errors.Add(new FieldError(at, $"Unsupported value: {hook} takes one argument here: {{index: 0, type: {type}}}"));
            }
        }
    }

    private static TracingSelector? ParseSelector(JsonNode? node, string path, uint hook, bool lsm, List<FieldError> errors)
    {
        if (node is not JsonObject selector)
        {
            errors.Add(new FieldError(path, "Invalid value: must be an object"));
            return null;
        }

        var before = errors.Count;
        IReadOnlyList<string> paths = [], binaries = [];
        bool pathPrefix = false, binaryPrefix = false;
        var actions = RuntimeCodes.ActionPost;
        var errno = 0;
        foreach (var (key, value) in selector)
        {
            var at = $"{path}.{key}";
            switch (key)
            {
                case "matchArgs":
                    (paths, pathPrefix) = ParseMatch(value, at, ["Equal", "Prefix"], index: true, errors);
                    break;
                case "matchBinaries":
                    (binaries, binaryPrefix) = ParseMatch(value, at, ["In", "Prefix"], index: false, errors);
                    break;
                case "matchActions":
                    (actions, errno) = ParseActions(value, at, lsm, errors);
                    break;
                default:
                    errors.Add(new FieldError(at, "Forbidden: not supported here; a selector may hold matchArgs, matchBinaries and matchActions"));
                    break;
            }
        }

        return errors.Count > before ? null : new TracingSelector(hook, paths, pathPrefix, binaries, binaryPrefix, actions, errno);
    }

    /// <summary>One match entry (values with one operator); a second entry would AND a condition the kernel rule cannot hold.</summary>
    private static (IReadOnlyList<string> Values, bool Prefix) ParseMatch(JsonNode? node, string path, string[] operators, bool index, List<FieldError> errors)
    {
        if (node is not JsonArray list || list.Count != 1 || list[0] is not JsonObject match)
        {
            errors.Add(new FieldError(path, "Invalid value: exactly one entry (its values are alternatives)"));
            return ([], false);
        }

        var at = path + "[0]";
        foreach (var key in match.Select(kv => kv.Key).Where(k => k is not ("operator" or "values" or "index")))
        {
            errors.Add(new FieldError($"{at}.{key}", "Forbidden: not supported here"));
        }

        if (index && Int(match["index"]) != 0)
        {
            errors.Add(new FieldError(at + ".index", "Unsupported value: the hook's argument 0 (the path) is the one to match"));
        }
        else if (!index && match["index"] is not null)
        {
            errors.Add(new FieldError(at + ".index", "Forbidden: matchBinaries has no index"));
        }

        var op = (string?)(match["operator"] as JsonValue);
        if (op is null || !operators.Contains(op))
        {
            errors.Add(new FieldError(at + ".operator", op is null ? "Required value" : $"Unsupported value: \"{op}\": supported values: {string.Join(", ", operators.Select(o => $"\"{o}\""))}"));
        }

        var values = new List<string>();
        if (match["values"] is not JsonArray raw || raw.Count == 0)
        {
            errors.Add(new FieldError(at + ".values", "Required value: at least one path"));
            return ([], false);
        }

        for (var i = 0; i < raw.Count; i++)
        {
            var value = (raw[i] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
            var problem = value switch
            {
                null => "Invalid value: must be a string",
                { Length: 0 } => "Required value",
                _ when !value.StartsWith('/') => $"Invalid value: \"{value}\": must be an absolute path",
                _ when Encoding.UTF8.GetByteCount(value) >= RuntimeCodes.RulePathLength => $"Too long: may not be longer than {RuntimeCodes.RulePathLength - 1} bytes",
                _ => null,
            };
            if (problem is null)
            {
                values.Add(value!);
            }
            else
            {
                errors.Add(new FieldError($"{at}.values[{i}]", problem));
            }
        }

        return (values, op == "Prefix");
    }

    private static (uint Actions, int Errno) ParseActions(JsonNode? node, string path, bool lsm, List<FieldError> errors)
    {
        var actions = RuntimeCodes.ActionPost;
        var errno = 0;
        if (node is not JsonArray list || list.Count == 0)
        {
            errors.Add(new FieldError(path, "Invalid value: a non-empty list of actions"));
            return (actions, errno);
        }

        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{path}[{i}]";
            var entry = list[i] as JsonObject;
            var action = (string?)(entry?["action"] as JsonValue);
            foreach (var key in entry?.Select(kv => kv.Key).Where(k => k is not ("action" or "argError")) ?? [])
            {
                errors.Add(new FieldError($"{at}.{key}", "Forbidden: not supported here"));
            }

            switch (action)
            {
                case "Post":
                    break;
                case "Sigkill":
                    actions |= RuntimeCodes.ActionSigkill;
                    break;
                case "Override" when !lsm:
                    errors.Add(new FieldError(at + ".action", "Forbidden: Override needs BPF LSM programs, which this kernel refuses to load; use Sigkill"));
                    break;
                case "Override":
                    var argError = Int(entry!["argError"]);
                    if (argError is not (< 0 and >= -4095))
                    {
                        errors.Add(new FieldError(at + ".argError", "Invalid value: Override needs argError, a negative errno such as -1 (EPERM)"));
                    }
                    else
                    {
                        actions |= RuntimeCodes.ActionOverride;
                        errno = -argError.Value;
                    }

                    break;
                case null:
                    errors.Add(new FieldError(at + ".action", "Required value"));
                    break;
                default:
                    errors.Add(new FieldError(at + ".action", $"Unsupported value: \"{action}\": supported values: \"Post\", \"Sigkill\"{(lsm ? ", \"Override\"" : "")}"));
                    break;
            }

            if (action != "Override" && entry?["argError"] is not null)
            {
                errors.Add(new FieldError(at + ".argError", "Forbidden: only with action Override"));
            }
        }

        return (actions, errno);
    }

    private static LabelSelector? ParsePodSelector(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is not JsonObject selector || selector.Any(kv => kv.Key != "matchLabels") || selector["matchLabels"] is not JsonObject labels
            || labels.Any(kv => kv.Value is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            errors.Add(new FieldError(path, "Invalid value: a podSelector here holds matchLabels (a map of label values)"));
            return null;
        }

        return LabelSelector.FromMap(labels);
    }

    /// <summary>A whole number written as a number or as a string (YAML's "0" and 0 both read as 0).</summary>
    private static int? Int(JsonNode? node) =>
        node is JsonValue v && int.TryParse(v.ToJsonString().Trim('"'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null;
}
