using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>
/// Checks a CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy beyond its structure.
/// Called inside apply, before anything is committed; returned errors reject the whole apply.
/// </summary>
public interface IPolicyValidator
{
    /// <summary>
    /// Returns problems as (field path, message) pairs, e.g. (<c>spec.ingress[0].toPorts[0].ports[0].port</c>,
    /// <c>Invalid value: "http": must be a number or a port name</c>); empty when the policy is valid.
    /// Must not throw for bad input and must not call back into the store.
    /// </summary>
    IReadOnlyList<FieldError> Validate(KubeObject policy);
}

/// <summary>A problem with one field, printed as <c>spec.containers[0].image: Required value</c>.</summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
