using System.Net;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// Identifies one port policy: the endpoint by its IP (what the proxy learns from the socket: the original
/// destination for ingress, the client for egress), the direction, and the destination port.
/// </summary>
public readonly record struct L7PolicyKey(IPAddress Endpoint, TrafficDirection Direction, ushort Port)
{
    public override string ToString() => $"{Endpoint} {Direction} {Port}/TCP";
}
