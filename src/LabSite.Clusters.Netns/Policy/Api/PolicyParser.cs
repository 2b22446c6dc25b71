using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Turns a policy object as the store holds it (the JSON of <c>kubectl get -o json</c>) into typed rules:
/// CiliumNetworkPolicy (<c>spec</c> and/or <c>specs</c>), CiliumClusterwideNetworkPolicy, and Kubernetes
/// NetworkPolicy (translated as Cilium does). Every problem is reported with its field path in one exception.
/// </summary>
public static class PolicyParser
{
    public static ParsedPolicy Parse(KubeObject obj, string cluster = Identity.IdentityLabels.DefaultCluster)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new List<PolicyError>();
        var f = new JsonFields(errors);
        var kind = obj.Kind;
        var name = obj.Name;
        string? ns = kind == PolicyKinds.Clusterwide ? null : (obj.Namespace ?? "default");
        if (name.Length == 0)
        {
            f.Error("metadata.name", "required");
        }
        var revision = (ulong)(f.Integer(obj.Json["metadata"], "metadata", "generation", 0, long.MaxValue) ?? 1);
        var source = new PolicySource(kind, name, ns, revision);
        var display = ns is null ? $"{kind} {name}" : $"{kind} {ns}/{name}";
        List<PolicyRule> rules = [];
        switch (kind)
        {
            case PolicyKinds.Namespaced or PolicyKinds.Clusterwide:
                rules = CiliumRules(f, obj.Json, source);
                break;
            case PolicyKinds.Kubernetes:
                if (NetworkPolicyTranslator.Translate(f, obj.Json["spec"], source, cluster) is { } r)
                {
                    rules.Add(r);
                }
                break;
            default:
                f.Error("kind", $"\"{kind}\" is not a policy kind ({PolicyKinds.Namespaced}, {PolicyKinds.Clusterwide}, {PolicyKinds.Kubernetes})");
                break;
        }
        if (errors.Count > 0)
        {
            throw new PolicyValidationException(display, errors);
        }
        return new ParsedPolicy(source, rules) { Warnings = f.Warnings };
    }

    private static List<PolicyRule> CiliumRules(JsonFields f, JsonObject json, PolicySource source)
    {
        var rules = new List<PolicyRule>();
        var spec = json["spec"];
        var specs = f.Array(json, "", "specs");
        if (spec is null && specs is null)
        {
            f.Error("spec", "required (a CiliumNetworkPolicy needs spec or specs)");
            return rules;
        }
        if (spec is not null && RuleParser.Parse(f, spec, "spec", source) is { } one)
        {
            rules.Add(one);
        }
        for (var i = 0; i < (specs?.Count ?? 0); i++)
        {
            if (RuleParser.Parse(f, specs![i], JsonFields.Index("specs", i), source) is { } r)
            {
                rules.Add(r);
            }
        }
        return rules;
    }
}
