using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// A resource path below a lab's prefix: <c>api/v1/namespaces/default/pods/x</c>, <c>apis/apps/v1/deployments</c>,
/// <c>apis/apps/v1/namespaces/default/deployments/x/scale</c>. <see cref="Kind"/> is null for the group/version itself.
/// </summary>
internal sealed record KubePath(string Group, string Version, ResourceKind? Kind, string? Namespace, string? Name, string? Subresource)
{
    public static KubePath? Parse(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        string[] rest;
        if (segments is ["api", var coreVersion, .. var coreRest])
        {
            (group, version, rest) = ("", coreVersion, coreRest);
        }
        else if (segments is ["apis", var g, var v, .. var groupRest])
        {
            (group, version, rest) = (g, v, groupRest);
        }
        else
        {
            return null;
        }
        if (rest.Length == 0)
        {
            return new KubePath(group, version, null, null, null, null);
        }
        string? ns = null;
        if (rest is ["namespaces", var inNamespace, _, ..])
        {
            (ns, rest) = (inNamespace, rest[2..]);
        }
        if (rest.Length > 3 || KubeApiKinds.Find(group, version, rest[0]) is not { } kind || (ns is not null && !kind.Namespaced))
        {
            return null;
        }
        return new KubePath(group, version, kind, ns, rest.ElementAtOrDefault(1), rest.ElementAtOrDefault(2));
    }
}
