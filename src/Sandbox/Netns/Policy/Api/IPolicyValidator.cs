namespace LabSite.Sandbox.Netns.Policy.Api;

/// <summary>
/// The hook the object store calls before it accepts a policy object, so a bad policy is refused at apply time
/// (as the API server's CRD validation and Cilium's agent would) with every error and its field path.
/// </summary>
public interface IPolicyValidator
{
    /// <summary>True when this validator handles objects of <paramref name="kind"/>.</summary>
    bool Handles(string kind);

    /// <summary>Errors as <c>spec.ingress[0].toPorts[0].ports[0].port: ...</c>; empty when the object is valid.</summary>
    IReadOnlyList<PolicyError> Validate(KubeObject obj);
}

/// <summary>Validates CNP, CCNP and KNP objects by parsing them with <see cref="PolicyParser"/>.</summary>
public sealed class PolicyValidator : IPolicyValidator
{
    public bool Handles(string kind) => PolicyKinds.IsPolicy(kind);

    public IReadOnlyList<PolicyError> Validate(KubeObject obj)
    {
        try
        {
            PolicyParser.Parse(obj);
            return [];
        }
        catch (PolicyValidationException ex)
        {
            return ex.Errors;
        }
    }
}
