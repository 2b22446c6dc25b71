namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>One problem in a policy object: the field path (<c>spec.ingress[0].toPorts[0].ports[0].port</c>) and what is wrong.</summary>
public sealed record PolicyError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A policy object that cannot be accepted; the message lists every error with its field path.</summary>
public sealed class PolicyValidationException(string objectName, IReadOnlyList<PolicyError> errors)
    : Exception($"{objectName}: " + string.Join("; ", errors))
{
    public string ObjectName { get; } = objectName;

    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}
