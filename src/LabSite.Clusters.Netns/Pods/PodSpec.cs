namespace LabSite.Clusters.Netns.Pods;

/// <summary>What the backend needs to run a pod: identity, labels and containers (from a Pod or a Deployment's template).</summary>
public sealed record PodSpec(
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ContainerSpec> Containers)
{
    public string Key => $"{Namespace}/{Name}";

    /// <summary>The node the scheduler bound the pod to (<c>spec.nodeName</c>); null runs it on the first node.</summary>
    public string? NodeName { get; init; }
}

/// <summary>One container: its image decides the built-in workload; ports are the declared containerPorts.</summary>
public sealed record ContainerSpec(
    string Name,
    string Image,
    IReadOnlyList<ContainerPort>? Ports = null,
    IReadOnlyList<string>? Command = null,
    IReadOnlyList<string>? Args = null)
{
    public IReadOnlyList<ContainerPort> DeclaredPorts => Ports ?? [];
}

/// <summary>A containerPort; Protocol is TCP, UDP or SCTP as Kubernetes spells it.</summary>
public sealed record ContainerPort(int Port, string Protocol = "TCP", string? Name = null);
