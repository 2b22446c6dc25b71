using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Cilium's namespace scoping of selectors (pkg/k8s/apis/cilium.io/utils getEndpointSelector): a CNP's subject and
/// its peer selectors are limited to the policy's namespace unless they name one themselves; a CCNP's peers get an
/// <c>Exists</c> requirement on the namespace label, so they match pods of every namespace but nothing reserved.
/// </summary>
public static class NamespaceScope
{
    public static EndpointSelector Subject(EndpointSelector selector, string? policyNamespace) =>
        policyNamespace is null || selector.HasKey(Label.PodNamespaceKey)
            ? selector
            : selector.With(NamespaceIs(policyNamespace));

    public static EndpointSelector Peer(EndpointSelector selector, string? policyNamespace)
    {
        // Reserved identities (host, world, ...) have no namespace label: leave such selectors alone.
        if (selector.HasSource(Label.SourceReserved) || selector.HasKey(Label.PodNamespaceKey))
        {
            return selector;
        }
        if (policyNamespace is null)
        {
            return selector.With(new SelectorRequirement(Label.SourceK8s, Label.PodNamespaceKey, SelectorOperator.Exists, []));
        }
        // A selector on namespace labels chooses namespaces itself.
        return selector.Requirements.Any(r => r.Key.StartsWith(Label.NamespaceLabelsPrefix, StringComparison.Ordinal))
            ? selector
            : selector.With(NamespaceIs(policyNamespace));
    }

    private static SelectorRequirement NamespaceIs(string ns) =>
        new(Label.SourceK8s, Label.PodNamespaceKey, SelectorOperator.In, [ns]);
}
