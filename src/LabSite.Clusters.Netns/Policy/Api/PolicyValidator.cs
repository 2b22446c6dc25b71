using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.RuntimeSecurity.Policy;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// The object store's policy hook (<see cref="IPolicyValidator"/>): parses CNP, CCNP and KNP objects with
/// <see cref="PolicyParser"/>, and TracingPolicies with <see cref="TracingPolicyParser"/> (<paramref name="lsmEnforcement"/>
/// says whether Override can be enforced), so a bad or not-yet-supported policy is refused at apply time, with every
/// error and its field path, before anything is stored.
/// </summary>
public sealed class PolicyValidator(Func<bool>? lsmEnforcement = null) : IPolicyValidator
{
    public PolicyCheck Validate(KubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Kind is "TracingPolicy" or "TracingPolicyNamespaced")
        {
            return new PolicyCheck(TracingPolicyParser.Parse(policy.Json, lsmEnforcement?.Invoke() ?? false).Errors, []);
        }

        try
        {
            var parsed = PolicyParser.Parse(policy);
            return new PolicyCheck([], parsed.Warnings.Select(w => new FieldError(w.Path, w.Message)).ToList());
        }
        catch (PolicyValidationException ex)
        {
            return new PolicyCheck(ex.Errors.Select(e => new FieldError(e.Path, e.Message)).ToList(), []);
        }
    }
}
