namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when every endpoint of the pods in <see cref="Pod"/> satisfies all the assertions that are set
/// (at least one is), as <c>cilium-dbg endpoint list</c> and <c>identity list</c> show them.
/// </summary>
/// <param name="IngressEnforcement">Required ingress policy enforcement; null does not look at it.</param>
/// <param name="EgressEnforcement">Required egress policy enforcement; null does not look at it.</param>
/// <param name="IdentityLabels">Labels the pod's security identity must carry (subset match, without the <c>k8s:</c> source prefix); null does not look.</param>
/// <param name="SameIdentityAs">
/// Pods whose numeric identity every pod of <see cref="Pod"/> must share. The same selector as <see cref="Pod"/>
/// means "all these pods share one identity" (e.g. the replicas of a Deployment).
/// </param>
/// <param name="DifferentIdentityFrom">Pods whose numeric identity every pod of <see cref="Pod"/> must differ from.</param>
/// <param name="FqdnCacheHas">
/// Names (lower case, with the trailing dot) every endpoint must have in the DNS proxy's FQDN cache with at least one
/// address (<c>cilium-dbg fqdn cache list</c>); null does not look.
/// </param>
/// <param name="FqdnCacheLacks">Names no endpoint of <see cref="Pod"/> may have in the FQDN cache; null does not look.</param>
public sealed record EndpointCheck(
    string Id,
    string Title,
    SourceLocation Location,
    PodSelector Pod,
    PolicyEnforcement? IngressEnforcement,
    PolicyEnforcement? EgressEnforcement,
    IReadOnlyDictionary<string, string>? IdentityLabels,
    PodSelector? SameIdentityAs,
    PodSelector? DifferentIdentityFrom,
    IReadOnlyList<string>? FqdnCacheHas = null,
    IReadOnlyList<string>? FqdnCacheLacks = null) : CheckSpec(Id, Title, Location);

/// <summary>An endpoint's policy enforcement in one direction, as the POLICY ENFORCEMENT columns print it.</summary>
public enum PolicyEnforcement { Enabled, Disabled }
