using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// The object store's policy hook (<see cref="IPolicyValidator"/>): parses CNP, CCNP and KNP objects with
/// <see cref="PolicyParser"/> so a bad or not-yet-supported policy is refused at apply time, with every error
/// and its field path, before anything is stored.
/// </summary>
public sealed class PolicyValidator : IPolicyValidator
{
    /// <summary>
    /// bpf_lxc redirects to the L7 proxy for INGRESS rules only (at the client's veth, by the server's policy); an
    /// egress HTTP rule would silently act as L3/L4 only, so it is refused until the egress redirect exists.
    /// </summary>
    public const string EgressL7NotEnforced =
        "HTTP rules in egress are not enforced by the netns datapath yet (only ingress rules redirect to the L7 proxy); remove rules to enforce only L3/L4";

    public PolicyCheck Validate(KubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ParsedPolicy parsed;
        try
        {
            parsed = PolicyParser.Parse(policy);
        }
        catch (PolicyValidationException ex)
        {
            return new PolicyCheck(ex.Errors.Select(e => new FieldError(e.Path, e.Message)).ToList(), []);
        }
        var l7 = new List<FieldError>();
        FindRules(policy.Json, "", l7);
        return new PolicyCheck(l7, parsed.Warnings.Select(w => new FieldError(w.Path, w.Message)).ToList());
    }

    // Parsing succeeded, so any toPorts[].rules left is an accepted HTTP rule list (other kinds were refused).
    // "egress" also matches egressDeny, whose rules the parser already refuses.
    private static void FindRules(JsonNode? node, string path, List<FieldError> found)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    var at = JsonFields.Join(path, key);
                    if (key == "rules" && path.Contains(".toPorts[", StringComparison.Ordinal) && path.Contains("egress", StringComparison.Ordinal))
                    {
                        found.Add(new FieldError(at, EgressL7NotEnforced));
                        continue;
                    }
                    FindRules(child, at, found);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    FindRules(a[i], JsonFields.Index(path, i), found);
                }
                break;
        }
    }
}
