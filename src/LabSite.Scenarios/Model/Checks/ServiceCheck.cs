namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when the service load-balancing map, as <c>cilium-dbg service list</c> shows it, holds the expected backends
/// for a Kubernetes Service's ClusterIP frontends. This is kube-proxy replacement's state, read from the datapath
/// rather than from the Service object.
/// </summary>
/// <param name="Service">The Kubernetes Service's name.</param>
/// <param name="Namespace">Its namespace (<c>default</c> when omitted).</param>
/// <param name="Port">One service port to look at; null means every port of the Service.</param>
/// <param name="Backends">An exact backend count per frontend; null means "the Ready pods the Service selects", by address.</param>
public sealed record ServiceCheck(
    string Id,
    string Title,
    SourceLocation Location,
    string Service,
    string Namespace,
    int? Port,
    int? Backends) : CheckSpec(Id, Title, Location);
