namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// What <c>cilium-dbg status</c> reports, limited to what the backend really knows: the agent's build and the host
/// kernel (<c>uname -r</c>), the cluster and node, endpoints and the policy enforcement mode, the datapath event ring
/// (<see cref="MonitorPages"/> × <see cref="PageSize"/> bytes, read on <see cref="Cpus"/> CPUs), the L7 proxy, the
/// identity range and Hubble's flow ring. <see cref="Problem"/> is the last policy error, if any (state Warning);
/// <see cref="ClusterMesh"/> is set for a cluster of a Cluster Mesh.
/// </summary>
public sealed record AgentStatusModel(
    string Version,
    string KernelVersion,
    string ClusterName,
    string NodeName,
    int Endpoints,
    string PolicyEnforcement,
    int Cpus,
    int MonitorPages,
    int PageSize,
    string ProxyIp,
    ushort ProxyPort,
    int ProxyRedirects,
    uint MinIdentity,
    uint MaxIdentity,
    int CurrentFlows,
    int MaxFlows,
    long SeenFlows,
    double UptimeSeconds,
    string? Problem = null,
    ClusterMeshModel? ClusterMesh = null);

/// <summary>
/// A cluster's view of its Cluster Mesh (<c>cilium-dbg status</c>'s ClusterMesh line, <c>cilium clustermesh status</c>):
/// its own name and id, each remote cluster, and how many global services the remote clusters share.
/// </summary>
public sealed record ClusterMeshModel(string ClusterName, int ClusterId, IReadOnlyList<RemoteClusterModel> Remotes, int GlobalServices);

/// <summary>
/// One remote cluster as the agent knows it: ready once synchronised, with what it learned from it, and the lab cluster
/// (backend name) that runs it, which the lab shell's kubectl contexts and checks' <c>cluster:</c> reach it by.
/// </summary>
public sealed record RemoteClusterModel(string Name, int Id, bool Ready, int Nodes, int Endpoints, int Identities, int Services, string LabCluster);
