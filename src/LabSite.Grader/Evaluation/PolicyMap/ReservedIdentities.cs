namespace LabSite.Grader.Evaluation.PolicyMap;

/// <summary>
/// Cilium's reserved identity numbers by the names a check may use (pkg/identity/numericidentity.go); <c>any</c> is 0,
/// the wildcard identity of L4-only entries, printed as ANY.
/// </summary>
public static class ReservedIdentities
{
    public static readonly IReadOnlyDictionary<string, uint> ByName = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["any"] = 0,
        ["host"] = 1,
        ["world"] = 2,
        ["unmanaged"] = 3,
        ["health"] = 4,
        ["init"] = 5,
        ["remote-node"] = 6,
        ["kube-apiserver"] = 7,
        ["ingress"] = 8,
        ["world-ipv4"] = 9,
        ["world-ipv6"] = 10,
    };
}
