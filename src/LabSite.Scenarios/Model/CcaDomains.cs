namespace LabSite.Scenarios.Model;

/// <summary>
/// The CCA exam domain ids a lab may list in <c>cca_domains</c>: those of the 8-domain <c>cca-2024</c> blueprint and of
/// the 5-domain <c>cca-2025-11</c> blueprint (the same ids as content/exams), so the catalog can filter labs by domain.
/// </summary>
public static class CcaDomains
{
    public static readonly IReadOnlyList<string> All =
    [
        "architecture",
        "network-policy",
        "service-mesh",
        "installation-configuration",
        "network-observability",
        "cluster-mesh",
        "ebpf",
        "bgp-external-networking",
        "cilium-fundamentals",
        "architecture-components",
        "kubernetes-networking",
        "observability",
        "securing-workloads",
    ];
}
