using System.Net;

namespace LabSite.Clusters.Netns.Services;

/// <summary>
/// A ClusterIP (or LoadBalancer) service: selector picks ready pods of the same namespace; ports map to target ports.
/// <paramref name="Global"/> is set for a Cluster Mesh global service (its annotations).
/// </summary>
public sealed record ServiceSpec(
    string Namespace,
    string Name,
    IPAddress ClusterIp,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<ServicePort> Ports,
    IReadOnlyList<IPAddress>? LoadBalancerIps = null,
    Mesh.GlobalService? Global = null)
{
    public string Key => $"{Namespace}/{Name}";

    /// <summary>The addresses LB-IPAM gave a LoadBalancer Service (<c>status.loadBalancer.ingress</c>); none for ClusterIP.</summary>
    public IReadOnlyList<IPAddress> LoadBalancerAddresses => LoadBalancerIps ?? [];

    /// <summary>
    /// A Cilium Ingress or Gateway Service: its LoadBalancer addresses are served by the lab's ingress listeners
    /// (<c>Ingress/IngressAgent</c>), like Cilium's L7 LB services, not by the socket LB or the TCP relay.
    /// </summary>
    public bool IsL7LoadBalancer { get; init; }
}

/// <summary>A service port; TargetPort is a number, or a containerPort name resolved per pod (null = same as Port).</summary>
public sealed record ServicePort(int Port, string Protocol = "TCP", string? TargetPort = null, string? Name = null);

/// <summary>One backend chosen for a service port, as <c>cilium-dbg service list</c> shows it.</summary>
public sealed record ServiceBackend(IPAddress Ip, int Port, string Protocol, string Pod);

/// <summary>A service frontend with its backends (the content of the LB maps for it).</summary>
public sealed record ServiceEntry(int Id, string Service, IPAddress Frontend, int Port, string Protocol, IReadOnlyList<ServiceBackend> Backends);

/// <summary>
/// One entry of ls_lb4_services as read from the kernel. Slot 0 is the frontend (BackendCount backends);
/// slot n points at backend BackendId (Backend is its address, null if the backend entry is missing).
/// </summary>
public sealed record LbMapRow(IPEndPoint Frontend, string Protocol, int Slot, int RevNatIndex, int BackendCount, uint? BackendId, IPEndPoint? Backend);
