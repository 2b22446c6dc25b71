namespace LabSite.Sandbox.Netns.Policy.Api;

using LabSite.Sandbox.Netns.Store.Validation;

/// <summary>
/// The object store's policy hook (<see cref="IPolicyValidator"/>): parses CNP, CCNP and KNP objects with
/// <see cref="PolicyParser"/> so a bad or not-yet-supported policy is refused at apply time, with every error
/// and its field path, before anything is stored.
/// </summary>
public sealed class PolicyValidator : IPolicyValidator
{
    public IReadOnlyList<FieldError> Validate(KubeObject policy)
    {
        try
        {
            PolicyParser.Parse(policy);
            return [];
        }
        catch (PolicyValidationException ex)
        {
            return ex.Errors.Select(e => new FieldError(e.Path, e.Message)).ToList();
        }
    }
}
