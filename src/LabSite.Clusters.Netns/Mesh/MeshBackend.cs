using System.Net;

namespace LabSite.Clusters.Netns.Mesh;

/// <summary>
/// One backend a cluster shares for a global service port: the pod (<c>ns/name</c>) of cluster
/// <paramref name="Cluster"/>, reached at <paramref name="Ip"/>:<paramref name="TargetPort"/>. The other clusters add it
/// to their frontend of the same service port number and protocol.
/// </summary>
public sealed record MeshBackend(string Cluster, string Pod, IPAddress Ip, int ServicePort, int TargetPort, string Protocol);
