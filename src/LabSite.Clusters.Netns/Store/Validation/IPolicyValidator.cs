using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>
/// Checks a CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy or TracingPolicy(Namespaced) beyond its structure.
/// Called inside apply, before anything is committed; returned errors reject the whole apply.
/// </summary>
public interface IPolicyValidator
{
    /// <summary>
    /// Returns problems as (field path, message) pairs, e.g. (<c>spec.ingress[0].toPorts[0].ports[0].port</c>,
    /// <c>Invalid value: "http": must be a number or a port name</c>), and the warnings of an accepted policy
    /// (kubectl prints them, the apply succeeds). Must not throw for bad input and must not call back into the store.
    /// </summary>
    PolicyCheck Validate(KubeObject policy);
}

/// <summary>What a policy validator found: errors reject the apply; warnings are printed and the apply goes on.</summary>
public sealed record PolicyCheck(IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings)
{
    public static readonly PolicyCheck Valid = new([], []);
}

/// <summary>A problem with one field, printed as <c>spec.containers[0].image: Required value</c>.</summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
